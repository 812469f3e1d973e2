using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.LeakReports;

namespace Memsolus.Dashboard.Tests.Audit;

// The account-wide settings every key obeys — what a leak report does, the default requests per
// minute — are audited as account.settings_changed in the same save as the change, with the actor's
// address and user agent: whoever holds a session cannot switch "revoke" to "notify only", or lift
// the limits, unseen. Saving the same value again changes nothing and records nothing.
public abstract class AccountSettingsAuditTests(DatabaseProvider provider)
{
    [Fact]
    public async Task A_changed_leak_response_is_audited_with_what_it_was_and_what_it_became()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var leaks = new LeakStore(db.Contexts, db.Clock);

        Assert.True(await leaks.SetActionAsync(owner, LeakAction.NotifyOnly));
        Assert.True(await leaks.SetActionAsync(owner, LeakAction.NotifyOnly));

        var change = Assert.Single(await db.AuditEventsAsync());
        Assert.Equal(AuditEventTypes.AccountSettingsChanged, change.EventType);
        Assert.Equal(owner.UserId, change.OwnerId);
        Assert.Equal(owner.UserId, change.ActorId);
        Assert.Null(change.KeyId);
        Assert.Equal(TestDatabase.ClientIp, change.ClientIp);
        Assert.Equal(TestDatabase.UserAgent, change.UserAgent);
        Assert.Equal("when a key is found leaked: revoke it → notify only", AuditDetails.Describe(change.EventType, change.Details));
    }

    [Fact]
    public async Task A_changed_default_rate_limit_is_audited_each_time_and_the_owner_reads_it_in_their_log()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();

        Assert.Null(await db.Keys.SetDefaultRequestsPerMinuteAsync(owner, 600));
        Assert.Null(await db.Keys.SetDefaultRequestsPerMinuteAsync(owner, 600));
        Assert.Null(await db.Keys.SetDefaultRequestsPerMinuteAsync(owner, null));

        var own = (await db.AuditLog.OwnEventsAsync(owner, new AuditQuery(EventType: AuditEventTypes.AccountSettingsChanged))).Rows;
        Assert.Equal(
            ["default requests per minute 600 → none", "default requests per minute none → 600"],
            own.Select(r => AuditDetails.Describe(r.EventType, r.Details)));
        Assert.All(own, r => Assert.Equal(owner.UserName, r.ActorName));
    }

    [Fact]
    public async Task A_refused_setting_records_nothing()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();

        Assert.False(await new LeakStore(db.Contexts, db.Clock).SetActionAsync(owner, (LeakAction)42));
        Assert.NotNull(await db.Keys.SetDefaultRequestsPerMinuteAsync(owner, 0));

        Assert.Empty(await db.AuditEventsAsync());
    }

    public sealed class OnSqlite() : AccountSettingsAuditTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : AccountSettingsAuditTests(DatabaseProvider.Postgres);
}
