using System.Net;
using Memsolus.Dashboard.Account;
using Memsolus.Dashboard.Admin;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Admin;

// A failed-login lockout stops interactive sign-in only; an administrator's Disable stops sign-in,
// open sessions and every key, and Enable brings them back. Through the running app: its real
// Login form, its sign-in cookie, its key check. The clock is the test's, so "within a minute" is
// a minute the test moves, not one it waits for.
public abstract class AccountDisableTests(MemsolusAppFactory app)
{
    private const string Me = "/api/v1/me";

    private static readonly TestHostOptions Host = new() { Admin = TestAdmin.Configured, FakeClock = true };

    private AdminAccountStore Accounts => app.Services.GetRequiredService<AdminAccountStore>();

    [Fact]
    public async Task Five_failed_logins_lock_sign_in_but_the_accounts_keys_still_answer_200()
    {
        var owner = await app.NewOwnerAsync("victim");
        var cached = await app.NewKeyAsync(owner, [Permissions.MemoryRead]);
        var unused = await app.NewKeyAsync(owner, [Permissions.MemoryRead]);
        await AssertStatusAsync(cached.Secret, HttpStatusCode.OK);

        var attacker = app.CreateClient(new() { AllowAutoRedirect = false });
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            using var wrong = await IdentityForms.LoginAsync(attacker, owner.UserName!, $"Wrong-Password-{attempt:D4}");
            if (attempt < 5)
            {
                Assert.Contains("Invalid login attempt", await wrong.Content.ReadAsStringAsync());
            }
        }

        using (var sixth = await IdentityForms.LoginAsync(app.CreateClient(new() { AllowAutoRedirect = false }), owner.UserName!, TestAccounts.Password))
        {
            Assert.Equal(HttpStatusCode.OK, sixth.StatusCode);
            Assert.Contains("Invalid login attempt", await sixth.Content.ReadAsStringAsync());
        }

        // From the cache and from the database alike.
        await AssertStatusAsync(cached.Secret, HttpStatusCode.OK);
        await AssertStatusAsync(unused.Secret, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Disabling_an_account_refuses_its_keys_from_the_next_request_and_enabling_restores_them()
    {
        var owner = await app.NewOwnerAsync("compromised");
        var live = await app.NewKeyAsync(owner, [Permissions.MemoryRead]);
        var test = await app.NewKeyAsync(owner, [Permissions.MemoryRead], ApiKeyEnvironment.Test);
        var bystander = await app.NewKeyAsync(await app.NewOwnerAsync("bystander"), [Permissions.MemoryRead]);
        foreach (var key in new[] { live, test, bystander })
        {
            await AssertStatusAsync(key.Secret, HttpStatusCode.OK);
        }

        var admin = await app.AdminActorAsync();
        var disabled = await Accounts.DisableAsync(admin, owner.UserId, "account compromised");
        Assert.True(disabled.Succeeded, disabled.Error?.Message);

        await AssertStatusAsync(live.Secret, HttpStatusCode.Unauthorized);
        await AssertStatusAsync(test.Secret, HttpStatusCode.Unauthorized);
        await AssertStatusAsync(bystander.Secret, HttpStatusCode.OK);

        var enabled = await Accounts.EnableAsync(admin, owner.UserId);
        Assert.True(enabled.Succeeded, enabled.Error?.Message);

        await AssertStatusAsync(live.Secret, HttpStatusCode.OK);
        await AssertStatusAsync(test.Secret, HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_disabled_account_cannot_sign_in_with_its_right_password_until_it_is_enabled()
    {
        var owner = await app.NewOwnerAsync("disabled");
        var admin = await app.AdminActorAsync();
        Assert.True((await Accounts.DisableAsync(admin, owner.UserId, "account compromised")).Succeeded);

        var client = app.CreateClient(new() { AllowAutoRedirect = false });
        using (var refused = await IdentityForms.LoginAsync(client, owner.UserName!, TestAccounts.Password))
        {
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("Invalid login attempt", await refused.Content.ReadAsStringAsync());
        }

        await AssertSignedOutAsync(client);

        Assert.True((await Accounts.EnableAsync(admin, owner.UserId)).Succeeded);
        using var accepted = await IdentityForms.LoginAsync(client, owner.UserName!, TestAccounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        using var dashboard = await client.GetAsync("/settings/api-keys");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
    }

    [Fact]
    public async Task A_disabled_accounts_open_session_ends_within_a_minute_while_others_go_on()
    {
        var owner = await app.NewOwnerAsync("disabled");
        var bystander = await app.NewOwnerAsync("bystander");
        var ownerSession = await SignedInAsync(owner);
        var bystanderSession = await SignedInAsync(bystander);

        Assert.True((await Accounts.DisableAsync(await app.AdminActorAsync(), owner.UserId, "account compromised")).Succeeded);
        app.Clock.Advance(AccountExtensions.SessionCheckInterval + TimeSpan.FromSeconds(1));

        await AssertSignedOutAsync(ownerSession);
        using var stillIn = await bystanderSession.GetAsync("/settings/api-keys");
        Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);
    }

    // A live circuit's revalidation asks the same question as the cookie's check: even with its
    // security stamp unchanged, a disabled account is no longer signed in.
    [Fact]
    public async Task A_live_dashboard_is_no_longer_signed_in_once_its_account_is_disabled()
    {
        var owner = await app.NewOwnerAsync("disabled");
        var principal = await PrincipalAsync(owner);
        await using var scope = app.Services.CreateAsyncScope();
        var revalidation = (IdentityRevalidatingAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        Assert.True(await revalidation.IsStillSignedInAsync(principal));

        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync())
        {
            var user = await db.Users.AsTracking().SingleAsync(u => u.Id == owner.UserId);
            user.DisabledAt = app.Clock.GetUtcNow();
            await db.SaveChangesAsync();
        }

        Assert.False(await revalidation.IsStillSignedInAsync(principal));
    }

    [Fact]
    public async Task Disable_and_enable_are_audited_in_the_owners_log()
    {
        var owner = await app.NewOwnerAsync("audited");
        var admin = await app.AdminActorAsync();

        await Accounts.DisableAsync(admin, owner.UserId, "account compromised");
        await Accounts.EnableAsync(admin, owner.UserId);

        var log = await app.Services.GetRequiredService<AuditLogStore>().OwnEventsAsync(owner, new AuditQuery());
        Assert.Equal([AuditEventTypes.AccountEnabled, AuditEventTypes.AccountDisabled], log.Rows.Select(r => r.EventType));
        Assert.All(log.Rows, r => Assert.Equal(AuditLogStore.AdministratorName, r.ActorName));
    }

    private async Task<HttpClient> SignedInAsync(AuditActor account)
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false });
        using var signedIn = await IdentityForms.LoginAsync(client, account.UserName!, TestAccounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        using var page = await client.GetAsync("/settings/api-keys");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        return client;
    }

    private async Task<System.Security.Claims.ClaimsPrincipal> PrincipalAsync(AuditActor account)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var factory = scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<ApplicationUser>>();
        return await factory.CreateAsync((await users.FindByIdAsync(account.UserId))!);
    }

    private static async Task AssertSignedOutAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/settings/api-keys");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Login", response.Headers.Location?.AbsolutePath);
    }

    private async Task AssertStatusAsync(string key, HttpStatusCode expected)
    {
        using var response = await app.ApiClient(key).GetAsync(Me);
        Assert.Equal(expected, response.StatusCode);
    }

    public sealed class OnSqlite(AppFixture<OnSqlite> fixture) : AccountDisableTests(fixture.App), IClassFixture<AppFixture<OnSqlite>>, ITestHost
    {
        public static TestHostOptions Options => Host;
    }

    public sealed class OnPostgres(AppFixture<OnPostgres> fixture) : AccountDisableTests(fixture.App), IClassFixture<AppFixture<OnPostgres>>, ITestHost
    {
        public static TestHostOptions Options => Host.OnPostgres();
    }
}
