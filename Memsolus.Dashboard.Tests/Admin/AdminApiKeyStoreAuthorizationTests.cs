using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Admin;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;

namespace Memsolus.Dashboard.Tests.Admin;

// The page's [Authorize(Roles = "Admin")] is not the only guard: a forged circuit event or a
// future caller reaches the services directly, so each one checks the role in the database.
public abstract class AdminApiKeyStoreAuthorizationTests(DatabaseProvider provider)
{
    [Fact]
    public async Task Search_by_an_account_without_role_Admin_is_refused()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        await db.CreateKeyAsync(owner, "production-agent");

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => db.AdminKeys.SearchAsync(owner, new AdminKeyQuery()));
    }

    [Fact]
    public async Task Revoke_by_an_account_without_role_Admin_is_refused_and_the_key_keeps_working()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var victim = await db.AddOwnerAsync("victim");
        var key = await db.CreateKeyAsync(victim, "production-agent");
        var attacker = await db.AddOwnerAsync("attacker");
        var eventsBefore = await db.AuditEventsAsync();

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => db.AdminKeys.RevokeAsync(attacker, key.Key.Id, "because I can"));

        var row = await db.KeyRowAsync(key.Key.Id);
        Assert.Null(row.RevokedAt);
        Assert.False(row.RevokedByAdmin);
        Assert.Equal(ApiKeyStatus.Active, (await db.Keys.GetAsync(victim, key.Key.Id))!.Status);
        Assert.Equal(eventsBefore.Count, (await db.AuditEventsAsync()).Count);
    }

    [Fact]
    public async Task Revoke_all_by_an_account_without_role_Admin_is_refused_and_nothing_changes()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var victim = await db.AddOwnerAsync("victim");
        var first = await db.CreateKeyAsync(victim, "production-agent");
        var second = await db.CreateKeyAsync(victim, "crm-integration", environment: ApiKeyEnvironment.Test);
        var attacker = await db.AddOwnerAsync("attacker");
        var eventsBefore = await db.AuditEventsAsync();

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => db.AdminKeys.RevokeAllAsync(attacker, victim.UserId, "because I can"));

        Assert.All(await db.Keys.ListAsync(victim), k => Assert.True(k.StillWorks));
        Assert.Null((await db.KeyRowAsync(first.Key.Id)).RevokedAt);
        Assert.Null((await db.KeyRowAsync(second.Key.Id)).RevokedAt);
        Assert.Equal(eventsBefore.Count, (await db.AuditEventsAsync()).Count);
    }

    [Fact]
    public async Task Revoking_ones_own_key_through_the_admin_service_is_refused_to_a_non_admin()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => db.AdminKeys.RevokeAsync(owner, key.Key.Id, "my own key"));

        Assert.Null((await db.KeyRowAsync(key.Key.Id)).RevokedAt);
    }

    [Fact]
    public async Task Reading_every_accounts_audit_log_without_role_Admin_is_refused()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        await db.CreateKeyAsync(owner, "production-agent");

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => db.AuditLog.AllEventsAsync(owner, new AuditQuery()));
    }

    [Fact]
    public async Task A_role_other_than_Admin_grants_nothing()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var support = await db.AddOwnerAsync("support");
        await db.AddToRoleAsync(support, "Support");
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => db.AdminKeys.SearchAsync(support, new AdminKeyQuery()));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => db.AdminKeys.RevokeAsync(support, key.Key.Id, "leaked"));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => db.AdminKeys.RevokeAllAsync(support, owner.UserId, "leaked"));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => db.AuditLog.AllEventsAsync(support, new AuditQuery()));
        Assert.Null((await db.KeyRowAsync(key.Key.Id)).RevokedAt);
    }

    [Fact]
    public async Task An_account_that_does_not_exist_is_refused()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var ghost = new AuditActor(Guid.NewGuid().ToString(), "ghost@example.com", null, null);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => db.AdminKeys.SearchAsync(ghost, new AdminKeyQuery()));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => db.AuditLog.AllEventsAsync(ghost, new AuditQuery()));
    }

    // The role is read from the database on every call: an admin removed from the role is refused
    // at once, whatever their sign-in cookie still says.
    [Fact]
    public async Task An_admin_removed_from_the_role_is_refused_from_the_next_call()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");
        Assert.Equal(1, (await db.AdminKeys.SearchAsync(admin, new AdminKeyQuery())).Total);

        await db.RemoveFromRolesAsync(admin);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => db.AdminKeys.SearchAsync(admin, new AdminKeyQuery()));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => db.AdminKeys.RevokeAsync(admin, key.Key.Id, "leaked"));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => db.AuditLog.AllEventsAsync(admin, new AuditQuery()));
        Assert.Null((await db.KeyRowAsync(key.Key.Id)).RevokedAt);
    }

    // RevokeAsync and RevokeAllAsync check the role before they validate the reason: a non-admin
    // who leaves the reason empty is refused, not answered "Give a reason".
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task A_non_admin_is_refused_before_the_reason_is_looked_at(string? reason)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var victim = await db.AddOwnerAsync("victim");
        var key = await db.CreateKeyAsync(victim, "production-agent");
        var attacker = await db.AddOwnerAsync("attacker");

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => db.AdminKeys.RevokeAsync(attacker, key.Key.Id, reason));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => db.AdminKeys.RevokeAllAsync(attacker, victim.UserId, reason));
    }

    public sealed class OnSqlite() : AdminApiKeyStoreAuthorizationTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : AdminApiKeyStoreAuthorizationTests(DatabaseProvider.Postgres);
}
