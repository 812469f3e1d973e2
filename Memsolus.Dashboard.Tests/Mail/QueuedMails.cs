using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Mail;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Mail;

// Mail queued the way a feature queues it (MailOutbox.Add, saved with the caller's change, then a
// signal), and the outbox rows as the database holds them.
internal static class QueuedMails
{
    // Stands for a sign-in link's token: it must reach the mail and never a log line.
    public const string SecretToken = "tok-5ec12e7-never-logged";

    public static OutgoingMail Confirmation(string to, string subject = "Confirm your email") => new(
        MailKinds.ConfirmEmail,
        to,
        subject,
        $"Confirm your address: https://dashboard.test/Account/ConfirmEmail?code={SecretToken}",
        $"<p>Confirm your address: <a href=\"https://dashboard.test/Account/ConfirmEmail?code={SecretToken}\">confirm</a></p>");

    public static async Task<OutboxMail> QueueMailAsync(this MemsolusAppFactory app, OutgoingMail mail) =>
        (await app.QueueMailsAsync([mail])).Single();

    // In one SaveChanges, as a feature saves the mails of one change.
    public static async Task<IReadOnlyList<OutboxMail>> QueueMailsAsync(this MemsolusAppFactory app, IEnumerable<OutgoingMail> mails)
    {
        var outbox = app.Services.GetRequiredService<MailOutbox>();
        await using var db = await app.NewDbContextAsync();
        var rows = mails.Select(m => outbox.Add(db, m)).ToList();
        await db.SaveChangesAsync();
        outbox.Signal();
        return rows;
    }

    public static async Task<OutboxMail> OutboxRowAsync(this MemsolusAppFactory app, Guid id)
    {
        await using var db = await app.NewDbContextAsync();
        return await db.OutboxMails.AsNoTracking().SingleAsync(m => m.Id == id);
    }

    public static async Task UpdateOutboxRowAsync(this MemsolusAppFactory app, Guid id, Action<OutboxMail> change)
    {
        await using var db = await app.NewDbContextAsync();
        var row = await db.OutboxMails.AsTracking().SingleAsync(m => m.Id == id);
        change(row);
        await db.SaveChangesAsync();
    }

    public static MailDeliveryRunner MailRunner(this MemsolusAppFactory app) => app.Services.GetRequiredService<MailDeliveryRunner>();

    private static Task<ApplicationDbContext> NewDbContextAsync(this MemsolusAppFactory app) =>
        app.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
}
