using Memsolus.Dashboard.Hosting;

namespace Memsolus.Dashboard.Mail;

// Wakes the mail worker when a mail has been queued, so it goes out at once rather than at the
// next poll.
internal sealed class MailQueue : WorkerSignal;
