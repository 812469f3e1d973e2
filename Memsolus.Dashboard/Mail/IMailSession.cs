using MimeKit;

namespace Memsolus.Dashboard.Mail;

// One round's way out for mail (MailTransport.OpenSession): an SMTP connection the round's mails
// share, or the pickup folder. SendAsync throws when this mail was not handed over.
internal interface IMailSession : IAsyncDisposable
{
    Task SendAsync(Guid mailId, MimeMessage message, CancellationToken cancellationToken);
}
