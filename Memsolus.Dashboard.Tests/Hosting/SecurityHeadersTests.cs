using System.Net;
using System.Text.RegularExpressions;

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
        Assert.True(response.Headers.CacheControl?.NoStore, $"Cache-Control: no-store on {path}, was {response.Headers.CacheControl}");
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
    // response's nonce; no other response allows it.
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
        Assert.All(ScriptTag().Matches(html), tag => Assert.Contains($"nonce=\"{nonce.Groups[1].Value}\"", tag.Value, StringComparison.Ordinal));
        Assert.DoesNotContain(nonce.Groups[1].Value, Assert.Single(second.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
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
