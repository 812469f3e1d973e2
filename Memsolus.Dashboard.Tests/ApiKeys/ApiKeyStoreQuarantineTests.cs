using System.Text.Json;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;

namespace Memsolus.Dashboard.Tests.ApiKeys;

// The owner's Quarantine and Restore (docs/security.md, "Quarantine"): the key row records when and by
// whom, its permissions stay as they were, each change is audited, and only the owner's own keys
// that still work can be changed.
public abstract class ApiKeyStoreQuarantineTests(DatabaseProvider provider)
{
    private static readonly string[] Mixed = [Permissions.MemoryRead, Permissions.MemoryWrite, Permissions.WebhookDelete];

    [Fact]
    public async Task Quarantine_records_when_and_who_keeps_the_permissions_and_restore_clears_it()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent", permissions: Mixed);
        db.Clock.Advance(TimeSpan.FromHours(2));

        var quarantined = await db.Keys.QuarantineAsync(owner, key.Key.Id, expectedVersion: key.Key.Version);

        Assert.True(quarantined.Succeeded, quarantined.Error?.Message);
        Assert.True(quarantined.Value!.IsQuarantined);
        Assert.True(quarantined.Value.CanRestore);
        Assert.False(quarantined.Value.CanQuarantine);
        var row = await db.KeyRowAsync(key.Key.Id);
        Assert.Equal(TestClock.Start.AddHours(2), row.QuarantinedAt);
        Assert.Equal(owner.UserId, row.QuarantinedBy);
        Assert.Equal(Mixed, row.Permissions);
        Assert.NotEqual(key.Key.Version, row.Version);

        var restored = await db.Keys.RestoreAsync(owner, key.Key.Id, expectedVersion: quarantined.Value.Version);

        Assert.True(restored.Succeeded, restored.Error?.Message);
        Assert.False(restored.Value!.IsQuarantined);
        row = await db.KeyRowAsync(key.Key.Id);
        Assert.Null(row.QuarantinedAt);
        Assert.Null(row.QuarantinedBy);
        Assert.Equal(Mixed, row.Permissions);
        Assert.Equal(ApiKeyStatus.Active, restored.Value.Status);
    }

    [Fact]
    public async Task Quarantine_and_restore_write_key_quarantined_and_key_restored_by_the_owner()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");

        await db.Keys.QuarantineAsync(owner, key.Key.Id);
        await db.Keys.RestoreAsync(owner, key.Key.Id);

        var events = (await db.AuditEventsAsync()).Where(e => e.KeyId == key.Key.Id).Skip(1).ToList();
        Assert.Equal([AuditEventTypes.KeyQuarantined, AuditEventTypes.KeyRestored], events.Select(e => e.EventType));
        Assert.All(events, e =>
        {
            Assert.Equal(owner.UserId, e.ActorId);
            Assert.Equal(TestDatabase.ClientIp, e.ClientIp);
            using var details = JsonDocument.Parse(e.Details!);
            Assert.Equal("owner", details.RootElement.GetProperty("by").GetString());
        });
    }

    [Fact]
    public async Task Another_owners_key_is_not_found_and_stays_as_it_was()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync("alice");
        var intruder = await db.AddOwnerAsync("mallory");
        var key = await db.CreateKeyAsync(owner, "production-agent");

        var quarantined = await db.Keys.QuarantineAsync(intruder, key.Key.Id);

        Assert.Equal(ApiKeyErrorKind.NotFound, quarantined.Error?.Kind);
        Assert.Null((await db.KeyRowAsync(key.Key.Id)).QuarantinedAt);

        Assert.True((await db.Keys.QuarantineAsync(owner, key.Key.Id)).Succeeded);
        var restored = await db.Keys.RestoreAsync(intruder, key.Key.Id);

        Assert.Equal(ApiKeyErrorKind.NotFound, restored.Error?.Kind);
        Assert.NotNull((await db.KeyRowAsync(key.Key.Id)).QuarantinedAt);
        Assert.DoesNotContain(await db.AuditEventsAsync(), e => e.ActorId == intruder.UserId);
    }

    [Fact]
    public async Task A_key_quarantined_twice_or_restored_when_not_quarantined_is_refused_without_an_event()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");

        var restored = await db.Keys.RestoreAsync(owner, key.Key.Id);
        Assert.Equal("This key is not quarantined.", restored.Error?.Message);

        Assert.True((await db.Keys.QuarantineAsync(owner, key.Key.Id)).Succeeded);
        db.Clock.Advance(TimeSpan.FromMinutes(5));
        var again = await db.Keys.QuarantineAsync(owner, key.Key.Id);

        Assert.Equal("This key is already quarantined.", again.Error?.Message);
        Assert.Equal(TestClock.Start, (await db.KeyRowAsync(key.Key.Id)).QuarantinedAt);
        Assert.Single(await db.AuditEventsAsync(), e => e.EventType == AuditEventTypes.KeyQuarantined);
    }

    [Fact]
    public async Task A_revoked_or_expired_key_can_be_neither_quarantined_nor_restored()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var revoked = await db.CreateKeyAsync(owner, "revoked");
        var expiring = await db.CreateKeyAsync(owner, "expiring", ApiKeyExpiration.Days30);
        Assert.True((await db.Keys.QuarantineAsync(owner, expiring.Key.Id)).Succeeded);
        await db.Keys.RevokeAsync(owner, revoked.Key.Id, null);
        db.Clock.Advance(TimeSpan.FromDays(31));

        Assert.Equal(ApiKeyErrorKind.Invalid, (await db.Keys.QuarantineAsync(owner, revoked.Key.Id)).Error?.Kind);
        var restore = await db.Keys.RestoreAsync(owner, expiring.Key.Id);

        Assert.Equal("This key is expired and no longer works.", restore.Error?.Message);
        Assert.Null((await db.KeyRowAsync(revoked.Key.Id)).QuarantinedAt);
        Assert.NotNull((await db.KeyRowAsync(expiring.Key.Id)).QuarantinedAt);
    }

    [Fact]
    public async Task A_change_made_since_the_owner_read_the_key_wins_over_a_stale_quarantine()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");
        Assert.True((await db.Keys.UpdateAsync(owner, key.Key.Id, new UpdateApiKeyRequest("renamed", TestDatabase.SomePermissions))).Succeeded);

        var stale = await db.Keys.QuarantineAsync(owner, key.Key.Id, expectedVersion: key.Key.Version);

        Assert.Equal(ApiKeyStore.Changed, stale.Error);
        Assert.Null((await db.KeyRowAsync(key.Key.Id)).QuarantinedAt);
    }

    [Fact]
    public async Task A_rotated_key_in_its_grace_period_can_be_quarantined()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");
        var successor = (await db.Keys.RotateAsync(owner, key.Key.Id, RotationGrace.SevenDays)).Value!;

        var quarantined = await db.Keys.QuarantineAsync(owner, key.Key.Id);

        Assert.True(quarantined.Succeeded, quarantined.Error?.Message);
        Assert.Equal(ApiKeyStatus.Rotated, quarantined.Value!.Status);
        Assert.Null((await db.KeyRowAsync(successor.Key.Id)).QuarantinedAt);
    }

    public sealed class OnSqlite() : ApiKeyStoreQuarantineTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : ApiKeyStoreQuarantineTests(DatabaseProvider.Postgres);
}
