using System.Diagnostics.Metrics;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Observability;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Mail;

// The mail outbox's instruments (docs/configuration.md, "Metrics and traces"): each delivery
// attempt by outcome, and how many mails wait. Never a recipient or a mail's kind of content.
internal sealed class MailMetrics
{
    public const string DeliveriesName = "memsolus.mail.deliveries";
    public const string PendingName = "memsolus.mail.outbox.pending";

    // Handed to the server (or the pickup folder); failed and to be tried again; failed for good.
    public const string Sent = "sent";
    public const string Retry = "retry";
    public const string Failed = "failed";

    private readonly Counter<long> deliveries;

    public MailMetrics(IMeterFactory meterFactory, IDbContextFactory<ApplicationDbContext> contextFactory, ILogger<MailMetrics> logger)
    {
        var meter = meterFactory.Create(Telemetry.MeterName);
        deliveries = meter.CreateCounter<long>(DeliveriesName, "{attempt}", "Outbox mail delivery attempts by outcome (sent, retry, failed).");
        meter.CreateObservableGauge(PendingName, () => QueueDepth.Count(contextFactory, logger, PendingName, db => db.OutboxMails.Count(m => m.Status == OutboxMailStatus.Pending)),
            "{mail}", "Mails in the outbox waiting to be sent or retried.");
    }

    public void Delivered(string outcome) => deliveries.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
