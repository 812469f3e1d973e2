using System.Text.Json;
using Memsolus.Dashboard.Admin;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Tests.Admin;

// An administrator disables an account with a reason, and enables it again: what is stored, what is
// audited, and who may do it (the Admin role, read from the database on every call).
public abstract class AdminAccountStoreTests(DatabaseProvider provider)
{
    [Fact]
    public async Task Disable_stores_the_time_and_the_trimmed_reason_renews_the_security_stamp_and_writes_account_disabled()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();
        var stampBefore = (await UserAsync(db, owner)).SecurityStamp;
        db.Clock.Advance(TimeSpan.FromHours(3));

        var result = await db.AdminAccounts.DisableAsync(admin, owner.UserId, "  account compromised  ");

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.True(result.Value!.IsDisabled);
        var user = await UserAsync(db, owner);
        Assert.Equal(TestClock.Start.AddHours(3), user.DisabledAt);
        Assert.Equal("account compromised", user.DisabledReason);
        Assert.NotEqual(stampBefore, user.SecurityStamp);
        var disabled = (await db.AuditEventsAsync()).Last();
        Assert.Equal(AuditEventTypes.AccountDisabled, disabled.EventType);
        Assert.Equal(owner.UserId, disabled.OwnerId);
        Assert.Equal(admin.UserId, disabled.ActorId);
        Assert.Equal(admin.UserName, disabled.ActorName);
        Assert.Equal(admin.ClientIp, disabled.ClientIp);
        Assert.Null(disabled.KeyId);
        Assert.Equal(TestClock.Start.AddHours(3), disabled.OccurredAt);
        using var details = JsonDocument.Parse(disabled.Details!);
        Assert.Equal("admin", details.RootElement.GetProperty("by").GetString());
        Assert.Equal("account compromised", details.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Enable_clears_the_switch_and_writes_account_enabled_and_the_keys_were_never_revoked()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");
        Assert.True((await db.AdminAccounts.DisableAsync(admin, owner.UserId, "account compromised")).Succeeded);

        var result = await db.AdminAccounts.EnableAsync(admin, owner.UserId);

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.False(result.Value!.IsDisabled);
        Assert.Equal(1, result.Value.WorkingKeys);
        var user = await UserAsync(db, owner);
        Assert.Null(user.DisabledAt);
        Assert.Null(user.DisabledReason);
        Assert.Null((await db.KeyRowAsync(key.Key.Id)).RevokedAt);
        var events = await db.AuditEventsAsync();
        Assert.Equal([AuditEventTypes.AccountDisabled, AuditEventTypes.AccountEnabled], events.TakeLast(2).Select(e => e.EventType));
        Assert.Equal(admin.UserId, events.Last().ActorId);
        Assert.Equal(owner.UserId, events.Last().OwnerId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Disable_without_a_reason_is_refused_on_the_Reason_field_and_nothing_changes(string? reason)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();
        var eventsBefore = (await db.AuditEventsAsync()).Count;

        var result = await db.AdminAccounts.DisableAsync(admin, owner.UserId, reason);

        Assert.Equal("Reason", result.Error?.Field);
        Assert.Equal("Give a reason: the owner will see it.", result.Error!.Message);
        Assert.Null((await UserAsync(db, owner)).DisabledAt);
        Assert.Equal(eventsBefore, (await db.AuditEventsAsync()).Count);
    }

    [Fact]
    public async Task Disable_with_a_reason_longer_than_500_characters_is_refused_and_500_are_accepted()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();

        var tooLong = await db.AdminAccounts.DisableAsync(admin, owner.UserId, new string('r', ApplicationUser.MaxDisabledReasonLength + 1));

        Assert.Equal("Reason", tooLong.Error?.Field);
        Assert.Equal("Use at most 500 characters.", tooLong.Error!.Message);
        Assert.Null((await UserAsync(db, owner)).DisabledAt);

        var longest = await db.AdminAccounts.DisableAsync(admin, owner.UserId, $"  {new string('r', ApplicationUser.MaxDisabledReasonLength)}  ");

        Assert.True(longest.Succeeded, longest.Error?.Message);
        Assert.Equal(ApplicationUser.MaxDisabledReasonLength, (await UserAsync(db, owner)).DisabledReason!.Length);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("because I can")]
    public async Task A_non_admin_is_refused_and_nothing_changes(string? reason)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var victim = await db.AddOwnerAsync("victim");
        var attacker = await db.AddOwnerAsync("attacker");
        var eventsBefore = (await db.AuditEventsAsync()).Count;

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => db.AdminAccounts.DisableAsync(attacker, victim.UserId, reason));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => db.AdminAccounts.SearchAsync(attacker, new AdminAccountQuery()));

        Assert.Null((await UserAsync(db, victim)).DisabledAt);
        Assert.Equal(eventsBefore, (await db.AuditEventsAsync()).Count);
    }

    [Fact]
    public async Task A_non_admin_cannot_enable_a_disabled_account_not_even_their_own()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();
        Assert.True((await db.AdminAccounts.DisableAsync(admin, owner.UserId, "account compromised")).Succeeded);
        var eventsBefore = (await db.AuditEventsAsync()).Count;

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => db.AdminAccounts.EnableAsync(owner, owner.UserId));

        Assert.NotNull((await UserAsync(db, owner)).DisabledAt);
        Assert.Equal(eventsBefore, (await db.AuditEventsAsync()).Count);
    }

    [Fact]
    public async Task An_administrator_cannot_disable_their_own_account()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();

        var result = await db.AdminAccounts.DisableAsync(admin, admin.UserId, "testing");

        Assert.Equal("You cannot disable your own account.", result.Error?.Message);
        Assert.Null((await UserAsync(db, admin)).DisabledAt);
    }

    // Another administrator may be the compromised account; once disabled, they are no longer one.
    [Fact]
    public async Task A_disabled_administrator_is_refused_every_admin_action_from_the_next_call()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var other = await db.AddAdminAsync("other-admin");
        var owner = await db.AddOwnerAsync();
        var key = await db.CreateKeyAsync(owner, "production-agent");

        Assert.True((await db.AdminAccounts.DisableAsync(admin, other.UserId, "account compromised")).Succeeded);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => db.AdminAccounts.SearchAsync(other, new AdminAccountQuery()));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => db.AdminAccounts.DisableAsync(other, owner.UserId, "revenge"));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => db.AdminAccounts.EnableAsync(other, other.UserId));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => db.AdminKeys.RevokeAsync(other, key.Key.Id, "revenge"));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => db.AuditLog.AllEventsAsync(other, new AuditQuery()));
        Assert.Null((await UserAsync(db, owner)).DisabledAt);
    }

    [Fact]
    public async Task Disabling_twice_enabling_an_active_account_and_an_unknown_account_are_refused_with_a_message()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();
        Assert.True((await db.AdminAccounts.DisableAsync(admin, owner.UserId, "account compromised")).Succeeded);
        var active = await db.AddOwnerAsync("active");

        var twice = await db.AdminAccounts.DisableAsync(admin, owner.UserId, "again");
        var notDisabled = await db.AdminAccounts.EnableAsync(admin, active.UserId);
        var unknown = await db.AdminAccounts.DisableAsync(admin, Guid.NewGuid().ToString(), "who?");
        var unknownEnable = await db.AdminAccounts.EnableAsync(admin, Guid.NewGuid().ToString());

        Assert.Equal("This account is already disabled.", twice.Error?.Message);
        Assert.Equal("account compromised", (await UserAsync(db, owner)).DisabledReason);
        Assert.Equal("This account is not disabled.", notDisabled.Error?.Message);
        Assert.Equal(ApiKeyErrorKind.NotFound, unknown.Error?.Kind);
        Assert.Equal(ApiKeyErrorKind.NotFound, unknownEnable.Error?.Kind);
        Assert.Single(await db.AuditEventsAsync(), e => e.EventType == AuditEventTypes.AccountDisabled);
    }

    [Fact]
    public async Task The_owner_sees_the_disable_and_enable_in_their_log_as_an_administrators_with_the_reason()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();
        await db.AdminAccounts.DisableAsync(admin, owner.UserId, "account compromised");
        db.Clock.Advance(TimeSpan.FromMinutes(5));
        await db.AdminAccounts.EnableAsync(admin, owner.UserId);

        var page = await db.AuditLog.OwnEventsAsync(owner, new AuditQuery());

        Assert.Equal([AuditEventTypes.AccountEnabled, AuditEventTypes.AccountDisabled], page.Rows.Select(r => r.EventType));
        Assert.All(page.Rows, r =>
        {
            Assert.Equal(AuditLogStore.AdministratorName, r.ActorName);
            Assert.Null(r.ClientIp);
            Assert.Null(r.UserAgent);
        });
        Assert.Equal("account enabled by an administrator", AuditDetails.Describe(page.Rows[0].EventType, page.Rows[0].Details));
        Assert.Equal("account disabled by an administrator: account compromised", AuditDetails.Describe(page.Rows[1].EventType, page.Rows[1].Details));
    }

    // Text neither provider can keep as written: PostgreSQL refuses a NUL character and an unpaired
    // surrogate (its text is UTF-8); a control character would reach the owner's mail.
    [Theory]
    [MemberData(nameof(UnstorableText.Around), "stolen ", " key", MemberType = typeof(UnstorableText), DisableDiscoveryEnumeration = true)]
    public async Task Disable_with_text_that_cannot_be_stored_is_refused_on_the_Reason_field_and_nothing_changes(string reason)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var owner = await db.AddOwnerAsync();
        var eventsBefore = (await db.AuditEventsAsync()).Count;

        var result = await db.AdminAccounts.DisableAsync(admin, owner.UserId, reason);

        Assert.Equal("Reason", result.Error?.Field);
        Assert.Null((await UserAsync(db, owner)).DisabledAt);
        Assert.Equal(eventsBefore, (await db.AuditEventsAsync()).Count);
    }

    [Theory]
    [MemberData(nameof(UnstorableText.Around), "team", "", MemberType = typeof(UnstorableText), DisableDiscoveryEnumeration = true)]
    public async Task A_search_with_text_that_cannot_be_stored_finds_nothing_rather_than_failing(string search)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        await db.AddOwnerAsync("team");

        var page = await db.AdminAccounts.SearchAsync(admin, new AdminAccountQuery(search));

        Assert.Equal(0, page.Total);
    }

    [Fact]
    public async Task Search_finds_accounts_by_the_start_of_their_email_in_any_case_and_pages()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var found = new List<AuditActor>();
        for (var i = 0; i < 3; i++)
        {
            var actor = new AuditActor(Guid.NewGuid().ToString(), $"team-{tag}-{i}@example.com", null, null);
            await db.AddUserAsync(actor);
            found.Add(actor);
        }

        await db.AddOwnerAsync("bystander");

        var first = await db.AdminAccounts.SearchAsync(admin, new AdminAccountQuery($"TEAM-{tag}", PageSize: 2));
        var second = await db.AdminAccounts.SearchAsync(admin, new AdminAccountQuery($"team-{tag}", Page: 1, PageSize: 2));

        Assert.Equal(3, first.Total);
        Assert.Equal(found.Select(f => f.UserName).Take(2), first.Rows.Select(r => r.Email));
        Assert.Equal(found.Select(f => f.UserName).Skip(2), second.Rows.Select(r => r.Email));
        Assert.Equal(5, (await db.AdminAccounts.SearchAsync(admin, new AdminAccountQuery())).Total);
    }

    [Fact]
    public async Task A_row_shows_the_disable_with_its_reason_a_lockout_the_admin_role_and_the_working_keys()
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        var admin = await db.AddAdminAsync();
        var disabled = await db.AddOwnerAsync("disabled");
        var locked = await db.AddOwnerAsync("locked");
        await db.CreateKeyAsync(disabled, "production-agent");
        var revoked = await db.CreateKeyAsync(disabled, "old-agent");
        await db.Keys.RevokeAsync(disabled, revoked.Key.Id, "replaced");
        await db.AdminAccounts.DisableAsync(admin, disabled.UserId, "account compromised");
        await using (var context = db.CreateContext())
        {
            var user = await context.Users.AsTracking().SingleAsync(u => u.Id == locked.UserId);
            user.LockoutEnd = db.Clock.GetUtcNow().AddMinutes(15);
            await context.SaveChangesAsync();
        }

        var rows = (await db.AdminAccounts.SearchAsync(admin, new AdminAccountQuery())).Rows.ToDictionary(r => r.Id);
        var disabledOnly = await db.AdminAccounts.SearchAsync(admin, new AdminAccountQuery(DisabledOnly: true));

        Assert.Equal(TestClock.Start, rows[disabled.UserId].DisabledAt);
        Assert.Equal("account compromised", rows[disabled.UserId].DisabledReason);
        Assert.Equal(1, rows[disabled.UserId].WorkingKeys);
        Assert.False(rows[disabled.UserId].IsAdministrator);
        Assert.Equal(TestClock.Start.AddMinutes(15), rows[locked.UserId].LockedOutUntil);
        Assert.False(rows[locked.UserId].IsDisabled);
        Assert.True(rows[admin.UserId].IsAdministrator);
        Assert.Equal(disabled.UserId, Assert.Single(disabledOnly.Rows).Id);
    }

    private static async Task<ApplicationUser> UserAsync(TestDatabase db, AuditActor actor)
    {
        await using var context = db.CreateContext();
        return await context.Users.AsNoTracking().SingleAsync(u => u.Id == actor.UserId);
    }

    public sealed class OnSqlite() : AdminAccountStoreTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : AdminAccountStoreTests(DatabaseProvider.Postgres);
}
