using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Memsolus.Dashboard.Account;
using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Hosting;

// Every response carries the security headers of Hosting/SecurityHeaders (docs/security.md,
// "Origins and headers"); that the policy lets the dashboard work is ContentSecurityPolicyBrowserTests'.
public sealed partial class SecurityHeadersTests(MemsolusAppFactory app) : IClassFixture<MemsolusAppFactory>
{
    [Theory]
    [InlineData("/Account/Login", HttpStatusCode.OK)]
    [InlineData("/Account/Register", HttpStatusCode.OK)]
    [InlineData("/app.css", HttpStatusCode.OK)]
    [InlineData("/favicon.png", HttpStatusCode.OK)]
    [InlineData("/no-such-page", HttpStatusCode.NotFound)]
    [InlineData("/", HttpStatusCode.Redirect)]
    public async Task Pages_static_files_redirects_and_404s_carry_the_dashboard_policy(string path, HttpStatusCode status)
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        AssertCommonHeaders(response);
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("img-src 'self' data:", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        Assert.DoesNotMatch("script-src[^;]*unsafe-inline", policy);
        Assert.Equal("same-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Theory]
    [InlineData("/api/v1/me", HttpStatusCode.Unauthorized)]
    [InlineData("/api/v1/no-such-resource", HttpStatusCode.Unauthorized)]
    public async Task Api_answers_carry_a_policy_that_loads_nothing_and_are_never_stored(string path, HttpStatusCode status)
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        AssertCommonHeaders(response);
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store");
    }

    [Theory]
    [InlineData("/settings/api-keys")]
    [InlineData("/Account/Manage/EnableAuthenticator")]
    public async Task Pages_that_show_a_secret_are_never_stored(string path)
    {
        var client = await SignedInClientAsync();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertCommonHeaders(response);
        AssertSecretNotStored(response);
    }

    // The recovery codes page: its form, and the post's answer that lists the new codes.
    [Fact]
    public async Task Recovery_codes_are_never_stored()
    {
        var email = TestAccounts.NewEmail("codes");
        var client = app.CreateClient(new() { AllowAutoRedirect = false });
        using (var signedIn = await IdentityForms.SignUpAsync(app.Services, client, email, TestAccounts.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = await users.FindByEmailAsync(email);
            await users.ResetAuthenticatorKeyAsync(user!);
            Assert.True((await users.SetTwoFactorEnabledAsync(user!, true)).Succeeded);
        }

        var (token, form) = await IdentityForms.FormTokenAsync(client, "/Account/Manage/GenerateRecoveryCodes");
        Assert.Contains("Generate Recovery Codes", form, StringComparison.Ordinal);
        using var page = await client.GetAsync("/Account/Manage/GenerateRecoveryCodes");
        using var codes = await IdentityForms.PostWithTokenAsync(client, "/Account/Manage/GenerateRecoveryCodes", "generate-recovery-codes", token, new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.OK, codes.StatusCode);
        Assert.Contains("recovery-code", await codes.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        foreach (var response in new[] { page, codes })
        {
            AssertCommonHeaders(response);
            AssertSecretNotStored(response);
        }
    }

    // The form holds the mailed code, which sets a new password until it is used.
    [Fact]
    public async Task The_password_reset_form_is_never_stored()
    {
        var owner = await app.NewOwnerAsync("reset");
        string code;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            code = LinkCode.Encode(await users.GeneratePasswordResetTokenAsync((await users.FindByIdAsync(owner.UserId))!));
        }

        var client = app.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.GetAsync($"/Account/ResetPassword?code={code}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(code, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        AssertCommonHeaders(response);
        AssertSecretNotStored(response);
    }

    // A webhook's signing secret is shown once, in the answer that creates it: an API answer.
    [Fact]
    public async Task The_answer_that_shows_a_new_webhooks_secret_is_never_stored()
    {
        var session = await app.NewSessionAsync();

        using var response = await session.Client.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://hooks.example.com/in", events = new[] { "memory.created" } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains("\"secret\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        AssertCommonHeaders(response);
        Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store");
    }

    [Fact]
    public async Task A_signed_in_page_carries_the_policy_once()
    {
        var client = await SignedInClientAsync();

        using var response = await client.GetAsync("/settings/audit-log");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertCommonHeaders(response);
        Assert.Contains("frame-ancestors 'none'", Assert.Single(response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    // The page has no inline script but the one Scalar starts itself with, which carries this
    // response's nonce; no other response allows it. (Scripts with src come from this origin.)
    [Fact]
    public async Task The_api_reference_allows_its_one_inline_script_by_a_nonce_of_its_own()
    {
        var client = app.CreateClient();

        using var first = await client.GetAsync("/api-reference/");
        using var second = await client.GetAsync("/api-reference/");

        var policy = Assert.Single(first.Headers.GetValues("Content-Security-Policy"));
        var nonce = Nonce().Match(policy);
        Assert.True(nonce.Success, policy);
        var html = await first.Content.ReadAsStringAsync();
        var inline = ScriptTag().Matches(html).Where(tag => !tag.Value.Contains(" src=", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(inline);
        Assert.All(inline, tag => Assert.Contains($"nonce=\"{nonce.Groups[1].Value}\"", tag.Value, StringComparison.Ordinal));
        Assert.DoesNotContain(nonce.Groups[1].Value, Assert.Single(second.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    // Exactly SecurityHeaders' value: a Blazor page that issues an antiforgery token already has
    // "no-cache, no-store" from antiforgery, which [ShowsSecret] must not depend on.
    private static void AssertSecretNotStored(HttpResponseMessage response)
    {
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("no-cache", Assert.Single(response.Headers.GetValues("Pragma")));
    }

    private static void AssertCommonHeaders(HttpResponseMessage response)
    {
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        var permissions = Assert.Single(response.Headers.GetValues("Permissions-Policy"));
        foreach (var feature in new[] { "camera=()", "microphone=()", "geolocation=()", "payment=()" })
        {
            Assert.Contains(feature, permissions, StringComparison.Ordinal);
        }
    }

    private async Task<HttpClient> SignedInClientAsync()
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false });
        using var signedIn = await IdentityForms.SignUpAsync(app.Services, client, TestAccounts.NewEmail("headers"), TestAccounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return client;
    }

    [GeneratedRegex("script-src 'self' 'nonce-([A-Za-z0-9_-]+)'")]
    private static partial Regex Nonce();

    [GeneratedRegex("<script[^>]*>")]
    private static partial Regex ScriptTag();
}
