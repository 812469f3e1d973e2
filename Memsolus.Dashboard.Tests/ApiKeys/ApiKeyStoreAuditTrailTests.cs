using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;

namespace Memsolus.Dashboard.Tests.ApiKeys;

// Every change to a key leaves one event saying what happened, to which key, by whom, when and
// from where; a refused change leaves none.
public abstract class ApiKeyStoreAuditTrailTests(DatabaseProvider provider)
{
    [Fact]
    public async Task Each_change_writes_one_event_of_its_type_with_actor_time_address_and_key()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();

        var created = await db.CreateKeyAsync(owner, "production-agent");
        db.Clock.Advance(TimeSpan.FromMinutes(10));
        await db.Keys.UpdateAsync(owner, created.Key.Id, new UpdateApiKeyRequest("crm-integration", [Permissions.MemoryRead]));
        db.Clock.Advance(TimeSpan.FromMinutes(10));
        var successor = (await db.Keys.RotateAsync(owner, created.Key.Id, RotationGrace.OneHour)).Value!;
        db.Clock.Advance(TimeSpan.FromMinutes(10));
        await db.Keys.RevokeAsync(owner, successor.Key.Id, "project ended");

        var events = await db.AuditEventsAsync();
        Assert.Equal(
            [AuditEventTypes.KeyCreated, AuditEventTypes.KeyUpdated, AuditEventTypes.KeyRotated, AuditEventTypes.KeyRevoked],
            events.Select(e => e.EventType));
        Assert.Equal([created.Key.Id, created.Key.Id, created.Key.Id, successor.Key.Id], events.Select(e => e.KeyId));
        Assert.Equal(
            [0, 10, 20, 30],
            events.Select(e => (int)(e.OccurredAt - TestClock.Start).TotalMinutes));
        Assert.All(events, e =>
        {
            Assert.Equal(owner.UserId, e.OwnerId);
            Assert.Equal(owner.UserId, e.ActorId);
            Assert.Equal(owner.UserName, e.ActorName);
            Assert.Equal("203.0.113.7", e.ClientIp);
            Assert.Equal("test-agent", e.UserAgent);
            Assert.False(string.IsNullOrEmpty(e.KeyDisplay));
            Assert.False(string.IsNullOrEmpty(e.Details));
        });
        Assert.Equal(successor.Key.DisplayKey, events[3].KeyDisplay);
    }

    [Fact]
    public async Task Event_records_the_actor_who_did_it_and_their_address()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var fromElsewhere = owner with { ClientIp = "2001:db8::1", UserAgent = "curl/8.5.0" };

        await db.Keys.CreateAsync(fromElsewhere, TestDatabase.Request("production-agent"));

        var created = Assert.Single(await db.AuditEventsAsync());
        Assert.Equal("2001:db8::1", created.ClientIp);
        Assert.Equal("curl/8.5.0", created.UserAgent);
    }

    [Fact]
    public async Task Refused_changes_write_no_events()
    {
        await using var db = await TestDatabase.CreateAsync(provider, new ApiKeysOptions { MaxActivePerAccount = 1 });
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");
        await db.Keys.RevokeAsync(owner, key.Key.Id, null);
        var before = (await db.AuditEventsAsync()).Count;

        Assert.False((await db.Keys.CreateAsync(owner, TestDatabase.Request(""))).Succeeded);
        Assert.False((await db.Keys.UpdateAsync(owner, key.Key.Id, new UpdateApiKeyRequest("renamed", TestDatabase.SomePermissions))).Succeeded);
        Assert.False((await db.Keys.RotateAsync(owner, key.Key.Id, RotationGrace.OneHour)).Succeeded);
        Assert.False((await db.Keys.RevokeAsync(owner, key.Key.Id, null)).Succeeded);

        Assert.Equal(before, (await db.AuditEventsAsync()).Count);
    }

    public sealed class OnSqlite() : ApiKeyStoreAuditTrailTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : ApiKeyStoreAuditTrailTests(DatabaseProvider.Postgres);
}
