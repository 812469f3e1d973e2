using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Memsolus.Dashboard.Mail;

// Queues mail: adds an OutboxMail row to the caller's context, so the mail is saved with the change
// it tells of (in the same SaveChanges) or not at all, then Signal() wakes the worker once saved.
internal sealed class MailOutbox(IDataProtectionProvider dataProtection, IOptions<MailOptions> options, MailQueue queue, TimeProvider clock)
{
    // A purpose string of its own, so no other feature's protector can read the queued messages.
    public const string Purpose = "Memsolus.Mail.Outbox";

    private readonly IDataProtector protector = dataProtection.CreateProtector(Purpose);

    public OutboxMail Add(ApplicationDbContext db, OutgoingMail mail)
    {
        var message = BuildMessage(mail);
        using var buffer = new MemoryStream();
        message.WriteTo(buffer);
        var row = new OutboxMail
        {
            Id = Guid.NewGuid(),
            Kind = mail.Kind,
            To = mail.To,
            Subject = Truncate(mail.Subject, OutboxMail.MaxSubjectLength),
            ProtectedMessage = Convert.ToBase64String(protector.Protect(buffer.ToArray())),
            Status = OutboxMailStatus.Pending,
            NextAttemptAt = clock.GetUtcNow(),
            CreatedAt = clock.GetUtcNow(),
        };
        db.OutboxMails.Add(row);
        return row;
    }

    // Adds the mail and saves it on its own, for senders with no change of their own to save it with.
    public async Task SendAsync(ApplicationDbContext db, OutgoingMail mail, CancellationToken cancellationToken = default)
    {
        Add(db, mail);
        await db.SaveChangesAsync(cancellationToken);
        Signal();
    }

    // After the SaveChanges that stored the mail: the worker sends it now rather than at its next poll.
    public void Signal() => queue.Signal();

    // For the worker: the stored message back, or a CryptographicException when the key ring that
    // protected it is gone.
    public MimeMessage Read(string protectedMessage)
    {
        using var buffer = new MemoryStream(protector.Unprotect(Convert.FromBase64String(protectedMessage)));
        return MimeMessage.Load(buffer);
    }

    private MimeMessage BuildMessage(OutgoingMail mail)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.Value.From));
        message.To.Add(MailboxAddress.Parse(mail.To));
        message.Subject = mail.Subject;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(options.Value.MessageIdDomain);
        message.Date = clock.GetUtcNow();
        message.Body = new BodyBuilder { TextBody = mail.TextBody, HtmlBody = mail.HtmlBody }.ToMessageBody();
        return message;
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
