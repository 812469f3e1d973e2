using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;

namespace Memsolus.Dashboard.Tests.Admin;

// An administrator quarantines any account's key, or restores it, with a reason the owner reads in
// their audit log, where the administrator is "an administrator".
public abstract class AdminApiKeyStoreQuarantineTests(DatabaseProvider provider)
{
    [Fact]
    public async Task Admin_quarantines_and_restores_with_a_reason_and_both_are_audited()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent", permissions: [Permissions.MemoryRead, Permissions.MemoryWrite]);

        var quarantined = await db.AdminKeys.QuarantineAsync(admin, key.Key.Id, "  found in a public gist  ");

        Assert.True(quarantined.Succeeded, quarantined.Error?.Message);
        var row = await db.KeyRowAsync(key.Key.Id);
        Assert.Equal(TestClock.Start, row.QuarantinedAt);
        Assert.Equal(admin.UserId, row.QuarantinedBy);
        Assert.True((await db.Keys.GetAsync(owner, key.Key.Id))!.IsQuarantined);

        var restored = await db.AdminKeys.RestoreAsync(admin, key.Key.Id, "false alarm: a revoked test key");

        Assert.True(restored.Succeeded, restored.Error?.Message);
        row = await db.KeyRowAsync(key.Key.Id);
        Assert.Null(row.QuarantinedAt);
        Assert.Equal([Permissions.MemoryRead, Permissions.MemoryWrite], row.Permissions);
        var events = (await db.AuditEventsAsync()).Where(e => e.ActorId == admin.UserId).ToList();
        Assert.Equal([AuditEventTypes.KeyQuarantined, AuditEventTypes.KeyRestored], events.Select(e => e.EventType));
        Assert.Equal(
            ["quarantined by an administrator: found in a public gist; only its read permissions work",
             "restored by an administrator: false alarm: a revoked test key; all its permissions work again"],
            events.Select(e => AuditDetails.Describe(e.EventType, e.Details)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    public async Task Quarantine_and_restore_without_a_reason_are_refused_on_the_Reason_field(string? reason)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");

        Assert.Equal("Reason", (await db.AdminKeys.QuarantineAsync(admin, key.Key.Id, reason)).Error?.Field);
        Assert.Null((await db.KeyRowAsync(key.Key.Id)).QuarantinedAt);

        Assert.True((await db.Keys.QuarantineAsync(owner, key.Key.Id)).Succeeded);
        Assert.Equal("Reason", (await db.AdminKeys.RestoreAsync(admin, key.Key.Id, reason)).Error?.Field);
        Assert.NotNull((await db.KeyRowAsync(key.Key.Id)).QuarantinedAt);
    }

    [Fact]
    public async Task An_account_without_the_Admin_role_cannot_quarantine_or_restore()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var other = await db.AddOwnerAsync("other");
        var key = await db.CreateKeyAsync(owner, "production-agent");

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => db.AdminKeys.QuarantineAsync(other, key.Key.Id, "mine now"));
        Assert.True((await db.Keys.QuarantineAsync(owner, key.Key.Id)).Succeeded);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => db.AdminKeys.RestoreAsync(other, key.Key.Id, "mine now"));
        Assert.NotNull((await db.KeyRowAsync(key.Key.Id)).QuarantinedAt);
    }

    [Fact]
    public async Task A_revoked_key_cannot_be_quarantined_by_an_administrator()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");
        await db.Keys.RevokeAsync(owner, key.Key.Id, null);

        var result = await db.AdminKeys.QuarantineAsync(admin, key.Key.Id, "leaked");

        Assert.Equal("This key is revoked and no longer works.", result.Error?.Message);
        Assert.Null((await db.KeyRowAsync(key.Key.Id)).QuarantinedAt);
    }

    // The owner reads the administrator's quarantine as done by "an administrator", with the reason
    // and without the administrator's address or user agent; the administrator reads their own name.
    [Fact]
    public async Task The_owner_sees_an_administrator_and_the_reason_and_the_admin_sees_who()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");
        Assert.True((await db.AdminKeys.QuarantineAsync(admin, key.Key.Id, "found in a public gist")).Succeeded);
        Assert.True((await db.Keys.RestoreAsync(owner, key.Key.Id)).Succeeded);

        var own = (await db.AuditLog.OwnEventsAsync(owner, new AuditQuery())).Rows;
        var all = (await db.AuditLog.AllEventsAsync(admin, new AuditQuery(KeyId: key.Key.Id))).Rows;

        var ownQuarantine = Assert.Single(own, r => r.EventType == AuditEventTypes.KeyQuarantined);
        Assert.Equal(AuditLogStore.AdministratorName, ownQuarantine.ActorName);
        Assert.Null(ownQuarantine.ClientIp);
        Assert.Null(ownQuarantine.UserAgent);
        Assert.StartsWith("quarantined by an administrator: found in a public gist", AuditDetails.Describe(ownQuarantine.EventType, ownQuarantine.Details), StringComparison.Ordinal);
        var ownRestore = Assert.Single(own, r => r.EventType == AuditEventTypes.KeyRestored);
        Assert.Equal(owner.UserName, ownRestore.ActorName);
        Assert.StartsWith("restored by the owner;", AuditDetails.Describe(ownRestore.EventType, ownRestore.Details), StringComparison.Ordinal);

        var adminQuarantine = Assert.Single(all, r => r.EventType == AuditEventTypes.KeyQuarantined);
        Assert.Equal(admin.UserName, adminQuarantine.ActorName);
        Assert.Equal(TestDatabase.ClientIp, adminQuarantine.ClientIp);

        var filtered = (await db.AuditLog.OwnEventsAsync(owner, new AuditQuery(EventType: AuditEventTypes.KeyRestored))).Rows;
        Assert.Equal([AuditEventTypes.KeyRestored], filtered.Select(r => r.EventType));
    }

    public sealed class OnSqlite() : AdminApiKeyStoreQuarantineTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : AdminApiKeyStoreQuarantineTests(DatabaseProvider.Postgres);
}
