using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Mail;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Tests.Notifications;

// "Your key expires in 7 days" and "… within 24 hours": once per key and threshold, however many
// rounds and nodes run, only for keys in their place, and never when the owner turned them off.
public abstract class KeyExpiryReminderRunnerTests(DatabaseProvider provider)
{
    [Fact]
    public async Task Each_threshold_is_reminded_once_even_when_the_runner_runs_again()
    {
        await using var db = await NoticeDatabase.CreateAsync(provider);
        var owner = await db.Database.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "billing <agent>", ApiKeyExpiration.Days30);
        var runner = db.ReminderRunner();

        Assert.Equal(0, await runner.RunOnceAsync());
        db.Database.Clock.Advance(TimeSpan.FromDays(23));
        Assert.Equal(1, await runner.RunOnceAsync());
        Assert.Equal(0, await runner.RunOnceAsync());
        db.Database.Clock.Advance(TimeSpan.FromDays(6.5));
        Assert.Equal(1, await runner.RunOnceAsync());
        Assert.Equal(0, await runner.RunOnceAsync());

        var reminders = (await db.MailsAsync()).Where(m => m.Kind != MailKinds.KeyCreated).ToList();
        Assert.Equal([MailKinds.KeyExpiresIn7Days, MailKinds.KeyExpiresTomorrow], reminders.Select(m => m.Kind));
        Assert.All(reminders, m => Assert.Equal(owner.UserName, m.To));
        Assert.Equal("Your API key “billing <agent>” expires in 7 days", reminders[0].Subject);
        Assert.Equal("Your API key “billing <agent>” expires within 24 hours", reminders[1].Subject);
        Assert.All(reminders, m =>
        {
            Assert.Contains("Expires: 2026-04-09 09:30 UTC", m.Text, StringComparison.Ordinal);
            Assert.Contains("billing &lt;agent&gt;", m.Html, StringComparison.Ordinal);
            Assert.DoesNotContain("<agent>", m.Html, StringComparison.Ordinal);
            Assert.Contains("https://dashboard.example.com/settings/api-keys", QueuedMail.Links(m.Text));
            Assert.Contains("https://dashboard.example.com/Account/Manage/Notifications", QueuedMail.Links(m.Text));
        });
        await using var context = db.CreateContext();
        Assert.Equal([1, 7], await context.KeyExpiryReminders.Where(r => r.ApiKeyId == key.Id).Select(r => r.DaysBefore).OrderBy(d => d).ToListAsync());
    }

    [Fact]
    public async Task A_second_node_that_read_the_same_due_reminders_sends_none_of_them_again()
    {
        await using var db = await NoticeDatabase.CreateAsync(provider);
        var owner = await db.Database.AddOwnerAsync();
        await db.CreateKeyAsync(owner, "first", ApiKeyExpiration.Days30);
        await db.CreateKeyAsync(owner, "second", ApiKeyExpiration.Days30);
        db.Database.Clock.Advance(TimeSpan.FromDays(23.5));
        var other = db.ReminderRunner();
        // This node reads what is due, then the other node runs its whole round before this one
        // writes: each of this node's inserts meets the other's row.
        var contexts = 0;
        var late = db.ReminderRunner(() =>
        {
            if (++contexts == 2)
            {
                Assert.Equal(2, other.RunOnceAsync().GetAwaiter().GetResult());
            }

            return db.CreateContext();
        });

        Assert.Equal(0, await late.RunOnceAsync());

        var reminders = (await db.MailsAsync()).Where(m => m.Kind == MailKinds.KeyExpiresIn7Days).ToList();
        Assert.Equal(2, reminders.Count);
        Assert.Equal(["first", "second"], reminders.Select(m => m.Subject.Split('“', '”')[1]).Order());
    }

    [Fact]
    public async Task Rounds_on_two_nodes_at_once_send_each_reminder_once()
    {
        await using var db = await NoticeDatabase.CreateAsync(provider);
        var owner = await db.Database.AddOwnerAsync();
        for (var i = 0; i < 10; i++)
        {
            await db.CreateKeyAsync(owner, $"agent-{i}", ApiKeyExpiration.Days30);
        }

        db.Database.Clock.Advance(TimeSpan.FromDays(29.5));

        var sent = await Task.WhenAll(Task.Run(() => db.ReminderRunner().RunOnceAsync()), Task.Run(() => db.ReminderRunner().RunOnceAsync()));

        Assert.Equal(10, sent.Sum());
        Assert.Equal(10, (await db.MailsAsync()).Count(m => m.Kind == MailKinds.KeyExpiresTomorrow));
    }

    [Fact]
    public async Task No_reminder_when_the_owner_turned_them_off()
    {
        await using var db = await NoticeDatabase.CreateAsync(provider);
        var owner = await db.Database.AddOwnerAsync();
        await db.SetUserAsync(owner.UserId, u => u.ExpiryRemindersEnabled = false);
        await db.CreateKeyAsync(owner, "production-agent", ApiKeyExpiration.Days30);

        db.Database.Clock.Advance(TimeSpan.FromDays(23));
        Assert.Equal(0, await db.ReminderRunner().RunOnceAsync());
        db.Database.Clock.Advance(TimeSpan.FromDays(6.5));
        Assert.Equal(0, await db.ReminderRunner().RunOnceAsync());

        Assert.Equal([MailKinds.KeyCreated], (await db.MailsAsync()).Select(m => m.Kind));
    }

    [Fact]
    public async Task No_reminder_for_a_revoked_or_rotated_key()
    {
        await using var db = await NoticeDatabase.CreateAsync(provider);
        var owner = await db.Database.AddOwnerAsync();
        var revoked = await db.CreateKeyAsync(owner, "revoked", ApiKeyExpiration.Days30);
        var rotated = await db.CreateKeyAsync(owner, "rotated", ApiKeyExpiration.Days30);
        Assert.True((await db.Keys.RevokeAsync(owner, revoked.Id, null)).Succeeded);
        db.Database.Clock.Advance(TimeSpan.FromDays(20));
        // Rotated with a week's grace: the old key still works, but its successor took its place.
        Assert.True((await db.Keys.RotateAsync(owner, rotated.Id, RotationGrace.SevenDays)).Succeeded);
        db.Database.Clock.Advance(TimeSpan.FromDays(3));

        Assert.Equal(0, await db.ReminderRunner().RunOnceAsync());

        Assert.DoesNotContain(await db.MailsAsync(), m => m.Kind is MailKinds.KeyExpiresIn7Days or MailKinds.KeyExpiresTomorrow);
    }

    [Fact]
    public async Task A_key_made_to_last_less_than_a_week_gets_only_the_last_days_reminder()
    {
        await using var db = await NoticeDatabase.CreateAsync(provider);
        var owner = await db.Database.AddOwnerAsync();
        // Valid through March 13: stops at midnight after, 3 days and 14.5 hours from now.
        await db.CreateKeyAsync(owner, "short-lived", ApiKeyExpiration.Date, new DateOnly(2026, 3, 13));

        Assert.Equal(0, await db.ReminderRunner().RunOnceAsync());
        db.Database.Clock.Advance(TimeSpan.FromDays(3));
        Assert.Equal(1, await db.ReminderRunner().RunOnceAsync());

        var reminder = Assert.Single(await db.MailsAsync(), m => m.Kind != MailKinds.KeyCreated);
        Assert.Equal(MailKinds.KeyExpiresTomorrow, reminder.Kind);
    }

    [Fact]
    public async Task A_key_found_inside_the_last_day_gets_only_that_reminder()
    {
        await using var db = await NoticeDatabase.CreateAsync(provider);
        var owner = await db.Database.AddOwnerAsync();
        await db.CreateKeyAsync(owner, "production-agent", ApiKeyExpiration.Days30);
        // No round ran during the last week (every node was down).
        db.Database.Clock.Advance(TimeSpan.FromDays(29.5));

        Assert.Equal(1, await db.ReminderRunner().RunOnceAsync());
        Assert.Equal(0, await db.ReminderRunner().RunOnceAsync());

        Assert.Equal(MailKinds.KeyExpiresTomorrow, Assert.Single(await db.MailsAsync(), m => m.Kind != MailKinds.KeyCreated).Kind);
    }

    public sealed class OnSqlite() : KeyExpiryReminderRunnerTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : KeyExpiryReminderRunnerTests(DatabaseProvider.Postgres);
}
