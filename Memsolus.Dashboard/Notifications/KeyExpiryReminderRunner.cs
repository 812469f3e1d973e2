using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Mail;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Memsolus.Dashboard.Notifications;

// One round of expiry reminders: "your key expires in 7 days" and "… within 24 hours", once per key
// and threshold, for keys in their place (not revoked, expired or rotated) whose owner has not turned
// reminders off and has a confirmed address. Each reminder's KeyExpiryReminder row and its mail are
// saved together; the row's primary key (key, threshold) makes a second round, or another node's
// round at the same moment, fail to insert it, and the mail is dropped with it.
internal sealed partial class KeyExpiryReminderRunner(
    IDbContextFactory<ApplicationDbContext> contextFactory,
    MailOutbox outbox,
    PublicLinks links,
    TimeProvider clock,
    ILogger<KeyExpiryReminderRunner> logger)
{
    // Days before expiry, furthest first. A key already inside a nearer threshold gets only that
    // one's reminder; a key made to last no longer than a threshold gets none at it (its owner chose
    // the date moments ago).
    public static readonly int[] Thresholds = [7, 1];

    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var sent = 0;
        for (var i = 0; i < Thresholds.Length; i++)
        {
            var days = Thresholds[i];
            var until = now + TimeSpan.FromDays(days);
            var after = i + 1 < Thresholds.Length ? now + TimeSpan.FromDays(Thresholds[i + 1]) : now;
            List<DueReminder> due;
            await using (var db = await contextFactory.CreateDbContextAsync(cancellationToken))
            {
                due = await db.ApiKeys.AsNoTracking()
                    .Where(ApiKeyStatusRules.Current.At(now))
                    .Where(k => k.ExpiresAt <= until && k.ExpiresAt > after)
                    .Where(k => k.Owner!.ExpiryRemindersEnabled && k.Owner.EmailConfirmed && k.Owner.Email != null)
                    .Where(k => !db.KeyExpiryReminders.Any(r => r.ApiKeyId == k.Id && r.DaysBefore == days))
                    .Select(k => new DueReminder(k.Id, k.Name, k.DisplayKey, k.Environment, k.CreatedAt, k.ExpiresAt!.Value, k.Owner!.Email!))
                    .ToListAsync(cancellationToken);
            }

            foreach (var reminder in due.Where(r => r.ExpiresAt - r.CreatedAt > TimeSpan.FromDays(days)))
            {
                if (await TrySendAsync(reminder, days, now, cancellationToken))
                {
                    sent++;
                }
            }
        }

        if (sent > 0)
        {
            outbox.Signal();
            LogSent(logger, sent);
        }

        return sent;
    }

    private async Task<bool> TrySendAsync(DueReminder reminder, int days, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        db.KeyExpiryReminders.Add(new KeyExpiryReminder { ApiKeyId = reminder.KeyId, DaysBefore = days, SentAt = now });
        outbox.Add(db, Mail(reminder, days, now));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException exception) when (IsDuplicate(exception))
        {
            // Another round (this node's or another's) sent this one first.
            return false;
        }
    }

    private OutgoingMail Mail(DueReminder reminder, int days, DateTimeOffset now)
    {
        var left = (int)Math.Ceiling((reminder.ExpiresAt - now).TotalDays);
        var when = days == 1 ? "within 24 hours" : $"in {left} days";
        return new MailBody()
            .Paragraph($"Your API key “{reminder.Name}” stops working {when}. Rotate it before then, so the programs that use it get a new key without a gap.")
            .Facts(
                ("Name", reminder.Name),
                ("Environment", ApiKeyDisplay.Environment(reminder.Environment)),
                ("Key", reminder.DisplayKey),
                ("Expires", ApiKeyDisplay.Exact(reminder.ExpiresAt)))
            .Link("Rotate the key", links.To("settings/api-keys"))
            .Paragraph("You can turn these reminders off in your account settings (security notices stay on):")
            .Link("Notification settings", links.To("Account/Manage/Notifications"))
            .Build(days == 1 ? MailKinds.KeyExpiresTomorrow : MailKinds.KeyExpiresIn7Days, reminder.OwnerEmail, $"Your API key “{reminder.Name}” expires {when}");
    }

    // The primary key's violation, as each provider reports it.
    private static bool IsDuplicate(DbUpdateException exception) => exception.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == 19, // SQLITE_CONSTRAINT
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    private sealed record DueReminder(Guid KeyId, string Name, string DisplayKey, ApiKeyEnvironment Environment, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, string OwnerEmail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued {Count} key expiry reminder(s)")]
    private static partial void LogSent(ILogger logger, int count);
}
