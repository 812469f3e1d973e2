using System.Net;
using System.Text.RegularExpressions;
using Memsolus.Dashboard.Admin;
using Memsolus.Dashboard.ApiKeys;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Admin;

// The admin screens and what an admin's revocation does, through the running app: its cookie
// sign-in, its endpoint authorization, the API-key scheme and its logs.
public abstract class AdminConsoleHttpTests(MemsolusAppFactory app)
{
    // The configured administrator, created in role Admin at start-up as in production.
    private static readonly TestHostOptions Host = new() { Admin = TestAdmin.Configured };

    public static TheoryData<string, string> AdminPages => new()
    {
        { "/admin/api-keys", "All API keys" },
        { "/admin/audit-log", "Audit log: all accounts" },
        { "/admin/accounts", "Accounts" },
    };

    [Theory]
    [MemberData(nameof(AdminPages))]
    public async Task An_anonymous_visitor_is_sent_to_sign_in(string path, string heading)
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Login", response.Headers.Location?.AbsolutePath);
        Assert.Equal($"?ReturnUrl={Uri.EscapeDataString(path)}", response.Headers.Location?.Query);
        Assert.DoesNotContain(heading, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AdminPages))]
    public async Task A_signed_in_account_without_role_Admin_is_denied_the_page(string path, string heading)
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false });
        using (var registered = await IdentityForms.SignUpAsync(app.Services, client, TestAccounts.NewEmail("member"), TestAccounts.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        }

        using var response = await client.GetAsync(path);

        Assert.True(
            response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Forbidden,
            $"Expected a redirect to Access denied or 403, got {(int)response.StatusCode}.");
        if (response.StatusCode == HttpStatusCode.Redirect)
        {
            Assert.Equal("/Account/AccessDenied", response.Headers.Location?.AbsolutePath);
        }

        Assert.DoesNotMatch(Heading(heading), await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(AdminPages))]
    public async Task The_administrator_gets_the_page(string path, string heading)
    {
        var client = await SignedInAdminAsync();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches(Heading(heading), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Only_the_administrator_is_shown_the_Admin_navigation()
    {
        var member = app.CreateClient(new() { AllowAutoRedirect = false });
        using (await IdentityForms.SignUpAsync(app.Services, member, TestAccounts.NewEmail("member"), TestAccounts.Password))
        {
        }

        var admin = await SignedInAdminAsync();

        Assert.DoesNotContain("href=\"admin/api-keys\"", await member.GetStringAsync("/settings/api-keys"), StringComparison.Ordinal);
        Assert.Contains("href=\"admin/api-keys\"", await admin.GetStringAsync("/settings/api-keys"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_account_without_role_Admin_still_gets_its_own_audit_log()
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false });
        using (await IdentityForms.SignUpAsync(app.Services, client, TestAccounts.NewEmail("member"), TestAccounts.Password))
        {
        }

        using var response = await client.GetAsync("/settings/audit-log");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches(Heading("Audit log"), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_pasted_key_searched_for_by_the_administrator_never_reaches_the_logs()
    {
        var owner = await app.NewOwnerAsync("leaky");
        var leaked = await app.NewKeyAsync(owner, [Permissions.MemoryRead]);
        var admin = await app.AdminActorAsync();
        var linesBefore = app.Logs.Lines().Count;

        var page = await app.Services.GetRequiredService<AdminApiKeyStore>().SearchAsync(admin, new AdminKeyQuery(leaked.Secret));

        Assert.Equal(leaked.Key.Id, Assert.Single(page.Rows).Key.Id);
        // The search was logged (EF's commands, at least), so the sink was listening.
        Assert.True(app.Logs.Lines().Count > linesBefore, "The search wrote no log line at all.");
        Assert.DoesNotContain(app.Logs.Lines(), line => line.Contains(leaked.Secret, StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs.Lines(), line => line.Contains(leaked.Secret[ApiKeyFormat.PrefixLength..], StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_key_revoked_by_the_administrator_is_refused_with_401_on_its_next_request()
    {
        var owner = await app.NewOwnerAsync("leaky");
        var leaked = await app.NewKeyAsync(owner, [Permissions.MemoryRead]);
        var api = app.ApiClient(leaked.Secret);
        using (var before = await api.GetAsync("/api/v1/me"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var result = await app.Services.GetRequiredService<AdminApiKeyStore>()
            .RevokeAsync(await app.AdminActorAsync(), leaked.Key.Id, "found in a public repository");
        Assert.True(result.Succeeded, result.Error?.Message);

        using var after = await api.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task Revoking_all_keys_of_an_account_refuses_each_of_them_and_no_one_elses()
    {
        var compromised = await app.NewOwnerAsync("compromised");
        var live = await app.NewKeyAsync(compromised, [Permissions.MemoryRead]);
        var test = await app.NewKeyAsync(compromised, [Permissions.MemoryRead], ApiKeyEnvironment.Test);
        var bystander = await app.NewOwnerAsync("bystander");
        var unrelated = await app.NewKeyAsync(bystander, [Permissions.MemoryRead]);
        foreach (var used in new[] { live, test, unrelated })
        {
            // Each key in use, so each is in the verification cache when the revocation comes.
            using var before = await app.ApiClient(used.Secret).GetAsync("/api/v1/me");
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var result = await app.Services.GetRequiredService<AdminApiKeyStore>()
            .RevokeAllAsync(await app.AdminActorAsync(), compromised.UserId, "account compromised");

        Assert.Equal(2, result.Value?.Revoked);
        foreach (var stopped in new[] { live, test })
        {
            using var response = await app.ApiClient(stopped.Secret).GetAsync("/api/v1/me");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using var still = await app.ApiClient(unrelated.Secret).GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    private async Task<HttpClient> SignedInAdminAsync()
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false });
        using var signedIn = await IdentityForms.LoginAsync(client, TestAccounts.AdminEmail, TestAccounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return client;
    }

    private static Regex Heading(string text) => new($"<h1[^>]*>\\s*{Regex.Escape(text)}\\s*</h1>");

    public sealed class OnSqlite(AppFixture<OnSqlite> fixture) : AdminConsoleHttpTests(fixture.App), IClassFixture<AppFixture<OnSqlite>>, ITestHost
    {
        public static TestHostOptions Options => Host;
    }

    public sealed class OnPostgres(AppFixture<OnPostgres> fixture) : AdminConsoleHttpTests(fixture.App), IClassFixture<AppFixture<OnPostgres>>, ITestHost
    {
        public static TestHostOptions Options => Host.OnPostgres();
    }
}
