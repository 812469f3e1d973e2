using Memsolus.Dashboard.Data;

namespace Memsolus.Dashboard.Account;

// Registering with an address that already has an account answers exactly like a new
// registration, so the page never tells who has an account; the address's owner is told by mail
// instead. The account mails implement this beside IEmailSender<ApplicationUser>.
internal interface IAlreadyRegisteredNotice
{
    Task SendAlreadyRegisteredAsync(ApplicationUser existing, CancellationToken cancellationToken = default);
}
