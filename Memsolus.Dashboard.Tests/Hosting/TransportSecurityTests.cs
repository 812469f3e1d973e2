using System.Net;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Verification;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Tests.Hosting;

// HTTPS outside Development (docs/security.md, "Behind a proxy and HTTPS"): Secure cookies and
// HSTS over HTTPS, pages redirected to HTTPS, the API refused over plain HTTP (403, never a
// redirect), health endpoints served over plain HTTP, X-Forwarded-Proto believed from a listed
// proxy only, and a page that cannot be redirected answered 400 rather than 500. The test server
// takes each request's scheme and host from its URL; the host is not localhost, which HSTS skips.
public sealed class TransportSecurityTests(TransportSecurityTests.Apps apps) : IClassFixture<TransportSecurityTests.Apps>
{
    private const string Host = "memsolus.example";
    private static readonly IPAddress ListedProxy = IPAddress.Parse("10.0.0.2");
    private static readonly IPAddress UnlistedPeer = IPAddress.Parse("10.0.0.3");
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.50");

    [Fact]
    public async Task Over_https_pages_send_hsts_and_the_antiforgery_and_sign_in_cookies_are_secure()
    {
        using var client = apps.Served.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri($"https://{Host}"), AllowAutoRedirect = false });

        using (var login = await client.GetAsync("/Account/Login"))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            Assert.StartsWith("max-age=", Assert.Single(login.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);
            AssertSecure(login, ".AspNetCore.Antiforgery.");
        }

        using (var signedIn = await IdentityForms.SignUpAsync(apps.Served.Services, client, TestAccounts.NewEmail("https"), TestAccounts.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
            AssertSecure(signedIn, ".AspNetCore.Identity.Application=");
        }

        // Secure whatever the request's scheme, not only because this one was HTTPS.
        var services = apps.Served.Services;
        var cookies = services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>();
        Assert.Equal(CookieSecurePolicy.Always, cookies.Get(IdentityConstants.ApplicationScheme).Cookie.SecurePolicy);
        Assert.Equal(CookieSecurePolicy.Always, cookies.Get(IdentityConstants.TwoFactorUserIdScheme).Cookie.SecurePolicy);
        Assert.Equal(CookieSecurePolicy.Always, services.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.Cookie.SecurePolicy);
    }

    [Fact]
    public async Task Api_over_plain_http_is_403_problem_json_saying_to_use_https_and_never_a_redirect()
    {
        var session = await apps.Served.NewSessionAsync([Permissions.MemoryRead]);

        using var plain = await SendAsync(apps.Served, null, $"http://{Host}/api/v1/me", session.Key.Secret);

        var problem = await ApiAssert.ProblemAsync(plain, HttpStatusCode.Forbidden);
        Assert.Contains("HTTPS", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Null(plain.Headers.Location);

        using var secure = await SendAsync(apps.Served, null, $"https://{Host}/api/v1/me", session.Key.Secret);
        Assert.Equal(HttpStatusCode.OK, secure.StatusCode);
    }

    [Fact]
    public async Task Health_over_plain_http_is_served_not_redirected()
    {
        using var live = await SendAsync(apps.Served, null, $"http://{Host}/health/live");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Null(live.Headers.Location);
    }

    [Fact]
    public async Task Dashboard_page_over_plain_http_redirects_to_https()
    {
        using var page = await SendAsync(apps.Served, null, $"http://{Host}/Account/Login");

        Assert.Equal(HttpStatusCode.TemporaryRedirect, page.StatusCode);
        Assert.Equal(new Uri($"https://{Host}/Account/Login"), page.Headers.Location);
    }

    [Fact]
    public async Task X_Forwarded_Proto_https_counts_from_a_listed_proxy_and_not_from_another_peer()
    {
        var session = await apps.Served.NewSessionAsync([Permissions.MemoryRead]);
        var api = $"http://{Host}/api/v1/me";

        using (var proxied = await SendAsync(apps.Served, ListedProxy, api, session.Key.Secret, forwardedProto: "https"))
        {
            Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
        }

        using (var proxiedJunk = await SendAsync(apps.Served, ListedProxy, api, "not-a-key", forwardedProto: "https"))
        {
            await ApiAssert.UnauthorizedAsync(proxiedJunk);
        }

        using (var spoofed = await SendAsync(apps.Served, UnlistedPeer, api, session.Key.Secret, forwardedProto: "https"))
        {
            await ApiAssert.ProblemAsync(spoofed, HttpStatusCode.Forbidden);
        }

        using var page = await SendAsync(apps.Served, ListedProxy, $"http://{Host}/Account/Login", forwardedProto: "https");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Single(page.Headers.GetValues("Strict-Transport-Security"));
        AssertSecure(page, ".AspNetCore.Antiforgery.");
    }

    // The guard. Without it the first is the error page (500: antiforgery refuses to issue its
    // Secure cookie over HTTP), and the second a redirect back to the proxy that loops.
    [Fact]
    public async Task Page_over_plain_http_with_no_https_port_to_redirect_to_is_400_telling_the_operator_and_warned_once()
    {
        for (var i = 0; i < 2; i++)
        {
            using var page = await SendAsync(apps.NoHttpsPort, null, $"http://{Host}/Account/Login");
            await AssertRefusedAsync(page, "HTTPS_PORT");
        }

        using (var form = await SendAsync(apps.NoHttpsPort, null, $"http://{Host}/Account/Login", method: HttpMethod.Post))
        {
            await AssertRefusedAsync(form, "HTTPS_PORT");
        }

        Assert.Single(apps.NoHttpsPort.Logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("no HTTPS port", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Page_over_plain_http_from_a_tls_proxy_that_is_not_listed_is_400_naming_the_setting_not_a_redirect()
    {
        for (var i = 0; i < 2; i++)
        {
            using var page = await SendAsync(apps.Served, UnlistedPeer, $"http://{Host}/Account/Login", forwardedProto: "https");
            await AssertRefusedAsync(page, "ForwardedHeaders:KnownProxies");
        }

        Assert.Single(apps.Served.Logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains($"from {UnlistedPeer}", StringComparison.Ordinal));

        // The listed proxy, or a client that sends no X-Forwarded-Proto, is not refused.
        using var listed = await SendAsync(apps.Served, ListedProxy, $"http://{Host}/Account/Login", forwardedProto: "https");
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string advice)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"Expected 400, got {(int)response.StatusCode}: {body}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("HTTPS", body, StringComparison.Ordinal);
        Assert.Contains(advice, body, StringComparison.Ordinal);
        Assert.Null(response.Headers.Location);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    private static void AssertSecure(HttpResponseMessage response, string cookiePrefix)
    {
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(cookiePrefix, StringComparison.Ordinal));
        Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    // One request from the given socket address (null: none, as the test server gives), to an
    // absolute URL whose scheme the app sees.
    private static async Task<HttpResponseMessage> SendAsync(
        MemsolusAppFactory app, IPAddress? from, string url, string? key = null, string? forwardedProto = null, HttpMethod? method = null)
    {
        using var client = new HttpClient(app.Server.CreateHandler(context => context.Connection.RemoteIpAddress = from));
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, url);
        if (key is not null)
        {
            request.Headers.Add(ApiKeyHeader.Name, key);
        }

        if (forwardedProto is not null)
        {
            request.Headers.Add("X-Forwarded-For", Client.ToString());
            request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        }

        if (method == HttpMethod.Post)
        {
            request.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["_handler"] = "login", ["Input.Email"] = "a@example.com" });
        }

        return await client.SendAsync(request);
    }

    // Two production apps: one that knows its HTTPS port (443, so redirects carry none) behind a
    // listed proxy, and one that knows no HTTPS port and lists no proxy.
    public sealed class Apps : IAsyncLifetime
    {
        private static readonly TestHostOptions Production = new() { Environment = Environments.Production };

        public MemsolusAppFactory Served { get; } = new(Production.With(new Dictionary<string, string?>
        {
            ["HTTPS_PORT"] = "443",
            ["ForwardedHeaders:KnownProxies:0"] = ListedProxy.ToString(),
        }));

        public MemsolusAppFactory NoHttpsPort { get; } = new(Production);

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync()
        {
            await Served.DisposeAsync();
            await NoHttpsPort.DisposeAsync();
        }
    }
}
