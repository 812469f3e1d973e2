using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;

namespace Memsolus.Dashboard.Tests.Audit;

// Reading the log: an owner sees the events of their own keys (including what an administrator
// did to them), an administrator sees everyone's; both filter and page on the server.
public abstract class AuditLogStoreTests(DatabaseProvider provider)
{
    [Fact]
    public async Task An_owner_sees_only_the_events_of_their_own_keys()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var alice = await db.AddOwnerAsync("alice");
        var bob = await db.AddOwnerAsync("bob");
        var aliceKey = await db.CreateKeyAsync(alice, "production-agent");
        await db.Keys.RevokeAsync(alice, aliceKey.Key.Id, "integration retired");
        await db.CreateKeyAsync(bob, "crm-integration");

        var page = await db.AuditLog.OwnEventsAsync(alice, new AuditQuery());

        Assert.Equal(2, page.Total);
        Assert.All(page.Rows, r =>
        {
            Assert.Equal(alice.UserId, r.OwnerId);
            Assert.Equal(aliceKey.Key.Id, r.KeyId);
        });
        Assert.Equal([AuditEventTypes.KeyRevoked, AuditEventTypes.KeyCreated], page.Rows.Select(r => r.EventType));
    }

    [Fact]
    public async Task An_owner_sees_what_an_administrator_did_to_their_keys_but_not_the_administrators_other_work()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var alice = await db.AddOwnerAsync("alice");
        var bob = await db.AddOwnerAsync("bob");
        var aliceKey = await db.CreateKeyAsync(alice, "production-agent");
        await db.CreateKeyAsync(bob, "crm-integration");
        await db.AdminKeys.RevokeAsync(admin, aliceKey.Key.Id, "found in a public repository");
        await db.AdminKeys.RevokeAllAsync(admin, bob.UserId, "account compromised");

        var page = await db.AuditLog.OwnEventsAsync(alice, new AuditQuery());

        var revoked = page.Rows[0];
        Assert.Equal(AuditEventTypes.KeyRevoked, revoked.EventType);
        Assert.Equal(AuditLogStore.AdministratorName, revoked.ActorName);
        Assert.Null(revoked.ClientIp);
        Assert.Null(revoked.UserAgent);
        Assert.Equal("revoked by an administrator: found in a public repository", AuditDetails.Describe(revoked.EventType, revoked.Details));
        Assert.Equal(2, page.Total);

        // The owner's own actions keep their actor, address and user agent.
        var created = page.Rows[1];
        Assert.Equal(alice.UserName, created.ActorName);
        Assert.Equal(alice.ClientIp, created.ClientIp);

        // The administrator's log names the administrator.
        var all = await db.AuditLog.AllEventsAsync(admin, new AuditQuery(EventType: AuditEventTypes.KeyRevoked));
        Assert.Equal(admin.UserName, all.Rows.Single(r => r.OwnerId == alice.UserId).ActorName);
    }

    [Fact]
    public async Task An_administrator_sees_every_accounts_events_each_with_the_owners_email()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var alice = await db.AddOwnerAsync("alice");
        var bob = await db.AddOwnerAsync("bob");
        await db.CreateKeyAsync(alice, "production-agent");
        await db.CreateKeyAsync(bob, "crm-integration");
        await db.AdminKeys.RevokeAllAsync(admin, bob.UserId, "account compromised");

        var page = await db.AuditLog.AllEventsAsync(admin, new AuditQuery());

        Assert.Equal(4, page.Total);
        Assert.Equal(
            [(AuditEventTypes.KeysBulkRevoked, bob.UserName), (AuditEventTypes.KeyRevoked, bob.UserName), (AuditEventTypes.KeyCreated, bob.UserName), (AuditEventTypes.KeyCreated, alice.UserName)],
            page.Rows.Select(r => (r.EventType, r.OwnerEmail)));
    }

    [Fact]
    public async Task Each_event_carries_time_actor_key_details_client_IP_and_user_agent()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");

        var row = Assert.Single((await db.AuditLog.OwnEventsAsync(owner, new AuditQuery())).Rows);

        Assert.Equal(TestClock.Start, row.OccurredAt);
        Assert.Equal(owner.UserName, row.ActorName);
        Assert.Equal(key.Key.Id, row.KeyId);
        Assert.Equal("production-agent", row.KeyName);
        Assert.Equal(key.Key.DisplayKey, row.KeyDisplay);
        Assert.Equal("live key, permissions: memory.read, memory.write; never expires", AuditDetails.Describe(row.EventType, row.Details));
        Assert.Equal(TestDatabase.ClientIp, row.ClientIp);
        Assert.Equal(TestDatabase.UserAgent, row.UserAgent);
        Assert.Equal(owner.UserName, row.OwnerEmail);
    }

    [Fact]
    public async Task Events_can_be_filtered_by_type()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();
        var first = await db.CreateKeyAsync(owner, "production-agent");
        var second = await db.CreateKeyAsync(owner, "crm-integration");
        await db.Keys.UpdateAsync(owner, first.Key.Id, new UpdateApiKeyRequest("production-agent-2", [Permissions.MemoryRead]));
        await db.Keys.RevokeAsync(owner, second.Key.Id, "integration retired");

        var created = await db.AuditLog.OwnEventsAsync(owner, new AuditQuery(EventType: AuditEventTypes.KeyCreated));
        var revoked = await db.AuditLog.AllEventsAsync(admin, new AuditQuery(EventType: AuditEventTypes.KeyRevoked));

        Assert.Equal(2, created.Total);
        Assert.All(created.Rows, r => Assert.Equal(AuditEventTypes.KeyCreated, r.EventType));
        Assert.Equal(second.Key.Id, Assert.Single(revoked.Rows).KeyId);
    }

    [Fact]
    public async Task Events_can_be_filtered_by_key()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();
        var first = await db.CreateKeyAsync(owner, "production-agent");
        var second = await db.CreateKeyAsync(owner, "crm-integration");
        await db.Keys.RevokeAsync(owner, first.Key.Id, reason: null);

        var page = await db.AuditLog.OwnEventsAsync(owner, new AuditQuery(KeyId: first.Key.Id));

        Assert.Equal([AuditEventTypes.KeyRevoked, AuditEventTypes.KeyCreated], page.Rows.Select(r => r.EventType));
        Assert.All(page.Rows, r => Assert.Equal(first.Key.Id, r.KeyId));
        Assert.Equal(second.Key.Id, Assert.Single((await db.AuditLog.AllEventsAsync(admin, new AuditQuery(KeyId: second.Key.Id))).Rows).KeyId);
    }

    [Fact]
    public async Task An_owner_filtering_by_another_accounts_key_sees_nothing()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var alice = await db.AddOwnerAsync("alice");
        var bob = await db.AddOwnerAsync("bob");
        var bobsKey = await db.CreateKeyAsync(bob, "crm-integration");

        var page = await db.AuditLog.OwnEventsAsync(alice, new AuditQuery(KeyId: bobsKey.Key.Id));

        Assert.Equal(0, page.Total);
        Assert.Empty(page.Rows);
    }

    [Fact]
    public async Task The_date_range_takes_whole_UTC_days_with_both_ends_included()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();
        // March 10, 09:30 (the clock's start): before the range.
        await db.CreateKeyAsync(owner, "before");
        db.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 11, 0, 0, 0, TimeSpan.Zero));
        await db.CreateKeyAsync(owner, "first-instant");
        db.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 12, 12, 0, 0, TimeSpan.Zero));
        await db.CreateKeyAsync(owner, "middle");
        db.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 13, 23, 59, 59, 999, TimeSpan.Zero));
        await db.CreateKeyAsync(owner, "last-instant");
        db.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 14, 0, 0, 0, TimeSpan.Zero));
        await db.CreateKeyAsync(owner, "after");

        var range = await db.AuditLog.OwnEventsAsync(owner, new AuditQuery(From: new DateOnly(2026, 3, 11), To: new DateOnly(2026, 3, 13)));
        var oneDay = await db.AuditLog.AllEventsAsync(admin, new AuditQuery(From: new DateOnly(2026, 3, 13), To: new DateOnly(2026, 3, 13)));
        var fromOnly = await db.AuditLog.OwnEventsAsync(owner, new AuditQuery(From: new DateOnly(2026, 3, 13)));
        var toOnly = await db.AuditLog.OwnEventsAsync(owner, new AuditQuery(To: new DateOnly(2026, 3, 11)));

        Assert.Equal(["last-instant", "middle", "first-instant"], range.Rows.Select(r => r.KeyName));
        Assert.Equal(3, range.Total);
        Assert.Equal(["last-instant"], oneDay.Rows.Select(r => r.KeyName));
        Assert.Equal(["after", "last-instant"], fromOnly.Rows.Select(r => r.KeyName));
        Assert.Equal(["first-instant", "before"], toOnly.Rows.Select(r => r.KeyName));
    }

    [Fact]
    public async Task Type_key_and_dates_together_keep_only_events_matching_all_of_them()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");
        await db.CreateKeyAsync(owner, "crm-integration");
        db.Clock.Advance(TimeSpan.FromDays(2));
        await db.Keys.UpdateAsync(owner, key.Key.Id, new UpdateApiKeyRequest("production-agent", [Permissions.MemoryRead]));

        var page = await db.AuditLog.OwnEventsAsync(owner, new AuditQuery(AuditEventTypes.KeyUpdated, key.Key.Id, new DateOnly(2026, 3, 12), new DateOnly(2026, 3, 12)));
        var wrongDay = await db.AuditLog.OwnEventsAsync(owner, new AuditQuery(AuditEventTypes.KeyUpdated, key.Key.Id, new DateOnly(2026, 3, 10), new DateOnly(2026, 3, 11)));

        Assert.Equal(AuditEventTypes.KeyUpdated, Assert.Single(page.Rows).EventType);
        Assert.Empty(wrongDay.Rows);
    }

    [Fact]
    public async Task Events_come_in_pages_newest_first_with_the_total()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        for (var i = 0; i < 7; i++)
        {
            await db.CreateKeyAsync(owner, $"agent-{i}");
            db.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        var pages = new List<AuditPage>();
        for (var page = 0; page < 3; page++)
        {
            pages.Add(await db.AuditLog.OwnEventsAsync(owner, new AuditQuery(Page: page, PageSize: 3)));
        }

        Assert.Equal([3, 3, 1], pages.Select(p => p.Rows.Count));
        Assert.All(pages, p => Assert.Equal(7, p.Total));
        Assert.Equal(
            Enumerable.Range(0, 7).Reverse().Select(i => $"agent-{i}"),
            pages.SelectMany(p => p.Rows).Select(r => r.KeyName));
    }

    // KeyExpiryRunner writes key.expired after the fact (OccurredAt = the moment the key expired):
    // the log is ordered by time, not by row id, so an expiry recorded late is still listed below
    // the events that happened after it ("newest first").
    [Fact]
    public async Task An_expiry_recorded_after_later_events_is_still_listed_by_when_the_key_expired()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        await db.CreateKeyAsync(owner, "short-lived", ApiKeyExpiration.Days30);
        // Expired on day 30; the next event happens on day 31, before the recorder next runs.
        db.Clock.Advance(TimeSpan.FromDays(31));
        await db.CreateKeyAsync(owner, "replacement");
        await db.ExpiryRunner.RecordExpiredAsync();

        var page = await db.AuditLog.OwnEventsAsync(owner, new AuditQuery());

        Assert.Equal(
            [(AuditEventTypes.KeyCreated, "replacement"), (AuditEventTypes.KeyExpired, "short-lived"), (AuditEventTypes.KeyCreated, "short-lived")],
            page.Rows.Select(r => (r.EventType, r.KeyName)));
    }

    public sealed class OnSqlite() : AuditLogStoreTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : AuditLogStoreTests(DatabaseProvider.Postgres);
}
