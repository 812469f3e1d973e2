using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Mail;
using Memsolus.Dashboard.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Tests.Notifications;

// Security notices are written from the audit events, in the same save: a key was created, an
// administrator revoked a key, the account was disabled or enabled. Not for an owner's own revoke.
public abstract class SecurityNoticesTests(DatabaseProvider provider)
{
    [Fact]
    public async Task Creating_a_key_queues_a_notice_with_its_name_environment_time_and_where_to_review_keys()
    {
        await using var db = await NoticeDatabase.CreateAsync(provider);
        var owner = await db.Database.AddOwnerAsync();

        await db.CreateKeyAsync(owner, "billing <b>&</b> agent");

        var mail = Assert.Single(await db.MailsAsync());
        Assert.Equal(MailKinds.KeyCreated, mail.Kind);
        Assert.Equal(owner.UserName, mail.To);
        Assert.Equal("New API key “billing <b>&</b> agent” created", mail.Subject);
        Assert.Contains("Name: billing <b>&</b> agent", mail.Text, StringComparison.Ordinal);
        Assert.Contains("Environment: Live", mail.Text, StringComparison.Ordinal);
        Assert.Contains("Created: 2026-03-10 09:30 UTC", mail.Text, StringComparison.Ordinal);
        // The name is text in the HTML part, never markup.
        Assert.Contains("billing &lt;b&gt;&amp;&lt;/b&gt; agent", mail.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>&</b>", mail.Html, StringComparison.Ordinal);
        Assert.Contains("2026-03-10 09:30 UTC", mail.Html, StringComparison.Ordinal);
        Assert.Equal(new Uri(NoticeDatabase.PublicBaseUrl, "settings/api-keys"), mail.LinkStartingWith("https://dashboard.example.com/"));
    }

    [Fact]
    public async Task An_administrators_revocation_queues_a_notice_with_the_name_reason_and_time()
    {
        await using var db = await NoticeDatabase.CreateAsync(provider);
        var admin = await db.Database.AddAdminAsync();
        var owner = await db.Database.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");
        db.Database.Clock.Advance(TimeSpan.FromHours(2));

        var result = await db.AdminKeys.RevokeAsync(admin, key.Id, "found in a <public> repository");

        Assert.True(result.Succeeded, result.Error?.Message);
        var mail = (await db.MailsAsync()).Single(m => m.Kind == MailKinds.KeyRevokedByAdmin);
        Assert.Equal(owner.UserName, mail.To);
        Assert.Equal("An administrator revoked your API key “production-agent”", mail.Subject);
        Assert.Contains("Name: production-agent", mail.Text, StringComparison.Ordinal);
        Assert.Contains("Reason: found in a <public> repository", mail.Text, StringComparison.Ordinal);
        Assert.Contains("Revoked: 2026-03-10 11:30 UTC", mail.Text, StringComparison.Ordinal);
        Assert.Contains("found in a &lt;public&gt; repository", mail.Html, StringComparison.Ordinal);
        // The owner never learns the administrator's address.
        Assert.DoesNotContain(admin.UserName!, mail.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(admin.UserName!, mail.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_owner_revoking_their_own_key_gets_no_notice()
    {
        await using var db = await NoticeDatabase.CreateAsync(provider);
        var owner = await db.Database.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");

        var result = await db.Keys.RevokeAsync(owner, key.Id, "not needed");

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal([MailKinds.KeyCreated], (await db.MailsAsync()).Select(m => m.Kind));
    }

    [Fact]
    public async Task Revoking_every_key_of_an_account_queues_one_notice_naming_each_key()
    {
        await using var db = await NoticeDatabase.CreateAsync(provider);
        var admin = await db.Database.AddAdminAsync();
        var owner = await db.Database.AddOwnerAsync();
        await db.CreateKeyAsync(owner, "first-agent");
        await db.CreateKeyAsync(owner, "second-agent");

        var result = await db.AdminKeys.RevokeAllAsync(admin, owner.UserId, "account compromised");

        Assert.True(result.Succeeded, result.Error?.Message);
        var mail = (await db.MailsAsync()).Single(m => m.Kind == MailKinds.KeyRevokedByAdmin);
        Assert.Equal("An administrator revoked 2 of your API keys", mail.Subject);
        Assert.Contains("Name: first-agent", mail.Text, StringComparison.Ordinal);
        Assert.Contains("Name: second-agent", mail.Text, StringComparison.Ordinal);
        Assert.Equal(2, mail.Text.Split("Reason: account compromised").Length - 1);
    }

    [Fact]
    public async Task Disabling_and_enabling_an_account_queue_notices_with_the_reason()
    {
        await using var db = await NoticeDatabase.CreateAsync(provider);
        var admin = await db.Database.AddAdminAsync();
        var owner = await db.Database.AddOwnerAsync();

        await using (var context = db.CreateContext())
        {
            var user = await context.Users.SingleAsync(u => u.Id == owner.UserId);
            user.DisabledAt = db.Database.Clock.GetUtcNow();
            user.DisabledReason = "payment fraud";
            context.AuditEvents.Add(AuditEvents.AccountEvent(SecurityNotices.AccountDisabledEvent, owner.UserId, admin, db.Database.Clock.GetUtcNow(), new { reason = "payment <fraud>" }));
            await context.SaveChangesAsync();
        }

        db.Database.Clock.Advance(TimeSpan.FromDays(1));
        await using (var context = db.CreateContext())
        {
            context.AuditEvents.Add(AuditEvents.AccountEvent(SecurityNotices.AccountEnabledEvent, owner.UserId, admin, db.Database.Clock.GetUtcNow(), new { reason = "resolved" }));
            await context.SaveChangesAsync();
        }

        var mails = await db.MailsAsync();
        Assert.Equal([MailKinds.AccountDisabled, MailKinds.AccountEnabled], mails.Select(m => m.Kind));
        Assert.All(mails, m => Assert.Equal(owner.UserName, m.To));
        Assert.Equal("Your Memsolus account was disabled", mails[0].Subject);
        Assert.Contains("Reason: payment <fraud>", mails[0].Text, StringComparison.Ordinal);
        Assert.Contains("payment &lt;fraud&gt;", mails[0].Html, StringComparison.Ordinal);
        Assert.Contains("Disabled: 2026-03-10 09:30 UTC", mails[0].Text, StringComparison.Ordinal);
        Assert.Equal("Your Memsolus account was enabled", mails[1].Subject);
        Assert.Contains("Enabled: 2026-03-11 09:30 UTC", mails[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_notice_goes_to_an_unconfirmed_address()
    {
        await using var db = await NoticeDatabase.CreateAsync(provider);
        var owner = await db.Database.AddOwnerAsync();
        await db.SetUserAsync(owner.UserId, u => u.EmailConfirmed = false);

        await db.CreateKeyAsync(owner, "production-agent");

        Assert.Empty(await db.MailsAsync());
    }

    [Fact]
    public async Task A_notice_is_saved_with_its_event_or_not_at_all()
    {
        await using var db = await NoticeDatabase.CreateAsync(provider);
        var owner = await db.Database.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");
        var admin = await db.Database.AddAdminAsync();

        await using (var context = db.CreateContext())
        {
            await using var transaction = await context.Database.BeginTransactionAsync();
            var row = await context.ApiKeys.SingleAsync(k => k.Id == key.Id);
            context.AuditEvents.Add(AuditEvents.KeyEvent(AuditEventTypes.KeyRevoked, row, admin, db.Database.Clock.GetUtcNow(), new { by = "admin", reason = "test" }));
            await context.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        Assert.Equal([MailKinds.KeyCreated], (await db.MailsAsync()).Select(m => m.Kind));
    }

    [Fact]
    public async Task The_mail_worker_is_woken_once_the_notice_is_committed()
    {
        await using var db = await NoticeDatabase.CreateAsync(provider);
        var owner = await db.Database.AddOwnerAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await db.CreateKeyAsync(owner, "production-agent");

        await db.Queue.WaitAsync(timeout.Token);
    }

    public sealed class OnSqlite() : SecurityNoticesTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : SecurityNoticesTests(DatabaseProvider.Postgres);
}
