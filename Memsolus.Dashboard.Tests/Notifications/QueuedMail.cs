using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Mail;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Tests.Notifications;

// A mail as the outbox holds it: its row's kind and address, and the message read back through
// MailOutbox.Read, as the mail worker reads it.
internal sealed record QueuedMail(string Kind, string To, string Subject, string Text, string Html)
{
    // Oldest first.
    public static async Task<List<QueuedMail>> ReadAsync(ApplicationDbContext db, MailOutbox outbox)
    {
        var rows = await db.OutboxMails.AsNoTracking().OrderBy(m => m.Sequence).ToListAsync();
        return rows.Select(row =>
        {
            Assert.NotNull(row.ProtectedMessage);
            var message = outbox.Read(row.ProtectedMessage);
            Assert.Equal(row.To, Assert.Single(message.To.Mailboxes).Address);
            return new QueuedMail(row.Kind, row.To, message.Subject ?? "", message.TextBody ?? "", message.HtmlBody ?? "");
        }).ToList();
    }

    // The one link in both parts that starts with prefix: in the text, and as the HTML's href.
    public Uri LinkStartingWith(string prefix)
    {
        var inText = Links(Text).Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Distinct().ToList();
        var link = Assert.Single(inText);
        Assert.Contains($"href=\"{System.Net.WebUtility.HtmlEncode(link)}\"", Html, StringComparison.Ordinal);
        return new Uri(link);
    }

    public static IEnumerable<string> Links(string text) =>
        text.Split([' ', '\n', '\r', '"', '<', '>'], StringSplitOptions.RemoveEmptyEntries)
            .Where(word => word.StartsWith("http://", StringComparison.Ordinal) || word.StartsWith("https://", StringComparison.Ordinal));
}
