using System.Net;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Verification;
using Memsolus.Dashboard.Observability;

namespace Memsolus.Dashboard.Tests.Observability;

// /metrics (ObservabilityExtensions.MapMetrics): absent unless Metrics:Prometheus is on; when on,
// served in Prometheus text format to a signed-in administrator only, never to an anonymous
// client, an API key or an account without the Admin role; and nothing in it names a key.
public sealed class MetricsEndpointTests
{
    private static readonly TestHostOptions On = new()
    {
        Admin = TestAdmin.Configured,
        Settings = new Dictionary<string, string?> { ["Metrics:Prometheus"] = "true" },
    };

    [Fact]
    public async Task Without_Metrics_Prometheus_there_is_no_metrics_path_even_for_an_administrator()
    {
        await using var app = new MemsolusAppFactory(new() { Admin = TestAdmin.Configured });
        using (var anonymous = await Client(app).GetAsync(ObservabilityExtensions.MetricsPath))
        {
            Assert.Equal(HttpStatusCode.NotFound, anonymous.StatusCode);
        }

        var admin = await SignedInAsync(app, TestAccounts.AdminEmail);
        using var response = await admin.GetAsync(ObservabilityExtensions.MetricsPath);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("memsolus_", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anonymous_clients_api_keys_and_accounts_without_the_admin_role_are_refused()
    {
        await using var app = new MemsolusAppFactory(On);
        var admin = await app.AdminActorAsync();
        var adminsKey = await app.NewKeyAsync(admin, ApiSession.AllPermissions);
        using (var served = await app.ApiClient(adminsKey.Secret).GetAsync("/api/v1/me"))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        using (var anonymous = await Client(app).GetAsync(ObservabilityExtensions.MetricsPath))
        {
            AssertRefused(anonymous, "/Account/Login");
        }

        // Even an administrator's own key: keys are for /api/v1 only.
        var withKey = Client(app);
        withKey.DefaultRequestHeaders.Add(ApiKeyHeader.Name, adminsKey.Secret);
        using (var keyed = await withKey.GetAsync(ObservabilityExtensions.MetricsPath))
        {
            AssertRefused(keyed, "/Account/Login");
        }

        var owner = await app.NewOwnerAsync("not-admin");
        var signedIn = await SignedInAsync(app, owner.UserName!);
        using var notAdmin = await signedIn.GetAsync(ObservabilityExtensions.MetricsPath);
        AssertRefused(notAdmin, "/Account/AccessDenied");
    }

    [Fact]
    public async Task An_administrator_gets_the_prometheus_text_with_the_apps_metrics_and_no_key_in_it()
    {
        await using var app = new MemsolusAppFactory(On);
        var session = await app.NewSessionAsync([Permissions.MemoryRead]);
        using (var served = await session.Client.GetAsync("/api/v1/me"))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        using (var refused = await session.Client.PostAsync("/api/v1/memories", new StringContent("{\"content\":\"x\"}", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        var unknown = ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret;
        using (var rejected = await app.ApiClient(unknown).GetAsync("/api/v1/me"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        }

        var admin = await SignedInAsync(app, TestAccounts.AdminEmail);
        using var response = await admin.GetAsync(ObservabilityExtensions.MetricsPath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE memsolus_api_key_checks_total counter", text, StringComparison.Ordinal);
        Assert.Contains("memsolus_api_key_checks_total{otel_scope_name=\"Memsolus.Dashboard\",outcome=\"ok\"}", text, StringComparison.Ordinal);
        Assert.Contains("outcome=\"forbidden\"", text, StringComparison.Ordinal);
        Assert.Contains("outcome=\"unknown\"", text, StringComparison.Ordinal);
        Assert.Contains("memsolus_api_key_cache_lookups_total", text, StringComparison.Ordinal);
        Assert.Contains("memsolus_export_jobs_queued", text, StringComparison.Ordinal);
        Assert.Contains("memsolus_mail_outbox_pending", text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds", text, StringComparison.Ordinal);

        // No key, nor any part of one, nor whose it is.
        foreach (var secret in new[] { session.Key.Secret, unknown })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(secret[ApiKeyFormat.PrefixLength..(ApiKeyFormat.PrefixLength + 8)], text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(ApiKeyFormat.LivePrefix, text, StringComparison.Ordinal);
        Assert.DoesNotContain(session.Key.Key.DisplayKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain(session.Key.Key.Id.ToString(), text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(session.Owner.UserId, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(session.Owner.UserName!, text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Under_Admin_RequireTwoFactor_an_administrator_without_two_factor_sign_in_is_refused()
    {
        await using var app = new MemsolusAppFactory(On.With(new Dictionary<string, string?> { ["Admin:RequireTwoFactor"] = "true" }));
        var admin = await SignedInAsync(app, TestAccounts.AdminEmail);

        using var response = await admin.GetAsync(ObservabilityExtensions.MetricsPath);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("memsolus_", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static HttpClient Client(MemsolusAppFactory app) => app.CreateClient(new() { AllowAutoRedirect = false });

    private static async Task<HttpClient> SignedInAsync(MemsolusAppFactory app, string email)
    {
        var client = Client(app);
        using var login = await IdentityForms.LoginAsync(client, email, TestAccounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return client;
    }

    // Sent to sign in, or told access is denied: never the metrics.
    private static void AssertRefused(HttpResponseMessage response, string redirectedTo)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location ?? throw new InvalidOperationException("A redirect without a Location.");
        Assert.StartsWith(redirectedTo, location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString, StringComparison.Ordinal);
    }
}
