using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Verification;
using Memsolus.Dashboard.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Tests.Observability;

// The key check's instruments (ApiKeyMetrics), read through a MeterListener on this host's meter
// alone: every API request counts once under the outcome that answered it, the verification cache
// counts its hits and misses, and an address that reaches the failed-attempt limit counts one block.
public abstract class KeyCheckMetricsTests(MemsolusAppFactory app) : IDisposable
{
    private const string Me = "/api/v1/me";
    private const int FailedAttemptLimit = 3;

    private static readonly TestHostOptions Host = new()
    {
        FakeClock = true,
        Settings = new Dictionary<string, string?> { ["ApiKeys:Verification:FailedAttemptLimit"] = FailedAttemptLimit.ToString(CultureInfo.InvariantCulture) },
    };

    private readonly MetricCollector<long> checks = Collect(app, ApiKeyMetrics.ChecksName);
    private readonly MetricCollector<long> cache = Collect(app, ApiKeyMetrics.CacheLookupsName);
    private readonly MetricCollector<long> blocks = Collect(app, ApiKeyMetrics.BlocksName);

    public void Dispose()
    {
        checks.Dispose();
        cache.Dispose();
        blocks.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task A_served_request_and_requests_without_a_usable_key_count_under_their_outcomes()
    {
        var session = await app.NewSessionAsync([Permissions.MemoryRead]);
        await AssertCountedAsync("ok", session.Client, Me, HttpStatusCode.OK);
        await AssertCountedAsync("missing", app.ApiClient(null), Me, HttpStatusCode.Unauthorized);
        await AssertCountedAsync("malformed", app.ApiClient("not-a-key"), Me, HttpStatusCode.Unauthorized);
        await AssertCountedAsync("unknown", app.ApiClient(ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret), Me, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_revoked_and_an_expired_key_count_as_revoked_and_expired()
    {
        var revoked = await app.NewSessionAsync([Permissions.MemoryRead]);
        var keys = app.Services.GetRequiredService<ApiKeyStore>();
        Assert.True((await keys.RevokeAsync(revoked.Owner, revoked.Key.Key.Id, null)).Succeeded);
        await AssertCountedAsync("revoked", revoked.Client, Me, HttpStatusCode.Unauthorized);

        var expiring = await app.NewSessionAsync([Permissions.MemoryRead], expiration: ApiKeyExpiration.Days30);
        app.Clock.Advance(TimeSpan.FromDays(31));
        await AssertCountedAsync("expired", expiring.Client, Me, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_missing_permission_a_quarantined_key_an_address_outside_the_allowlist_and_a_rate_limit_count_under_their_refusals()
    {
        var reader = await app.NewSessionAsync([Permissions.MemoryRead]);
        await AssertCountedAsync("forbidden", reader.Client, "/api/v1/memories", HttpStatusCode.Forbidden, JsonContent.Create(new { content = "refused" }));

        var keys = app.Services.GetRequiredService<ApiKeyStore>();
        var quarantined = await app.NewSessionAsync([Permissions.MemoryRead, Permissions.MemoryWrite]);
        Assert.True((await keys.QuarantineAsync(quarantined.Owner, quarantined.Key.Key.Id)).Succeeded);
        await AssertCountedAsync("quarantined", quarantined.Client, "/api/v1/memories", HttpStatusCode.Forbidden, JsonContent.Create(new { content = "held back" }));

        // The test server gives requests no client address: no allowlist can admit one.
        var fenced = await app.NewSessionAsync([Permissions.MemoryRead]);
        Assert.True((await keys.UpdateAsync(fenced.Owner, fenced.Key.Key.Id, new UpdateApiKeyRequest(fenced.Key.Key.Name, [Permissions.MemoryRead], "198.51.100.0/24"))).Succeeded);
        await AssertCountedAsync("ip_not_allowed", fenced.Client, Me, HttpStatusCode.Forbidden);

        var limited = await app.NewSessionAsync([Permissions.MemoryRead]);
        Assert.True((await keys.UpdateAsync(limited.Owner, limited.Key.Key.Id, new UpdateApiKeyRequest(limited.Key.Key.Name, [Permissions.MemoryRead]) { RequestsPerMinute = 1 })).Succeeded);
        await AssertCountedAsync("ok", limited.Client, Me, HttpStatusCode.OK);
        await AssertCountedAsync("limited", limited.Client, Me, HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task The_first_use_of_a_key_is_a_cache_miss_and_the_next_a_hit_and_a_malformed_key_is_no_lookup()
    {
        var session = await app.NewSessionAsync([Permissions.MemoryRead]);
        cache.Clear();

        await AssertStatusAsync(session.Client, Me, HttpStatusCode.OK);
        Assert.Equal(["miss"], cache.GetMeasurementSnapshot().Select(m => (string)m.Tags["result"]!));

        cache.Clear();
        await AssertStatusAsync(session.Client, Me, HttpStatusCode.OK);
        await AssertStatusAsync(app.ApiClient("not-a-key"), Me, HttpStatusCode.Unauthorized);
        var hit = Assert.Single(cache.GetMeasurementSnapshot());
        Assert.Equal("hit", hit.Tags["result"]);
        Assert.Equal(1, hit.Value);
    }

    [Fact]
    public async Task An_address_reaching_the_failed_attempt_limit_counts_one_block_and_its_next_requests_count_as_blocked()
    {
        var address = IPAddress.Parse("198.51.100.41");
        blocks.Clear();
        for (var failure = 1; failure <= FailedAttemptLimit; failure++)
        {
            await AssertStatusAsync(ClientAt(address, ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret), Me, HttpStatusCode.Unauthorized);
            Assert.Equal(failure == FailedAttemptLimit ? 1 : 0, blocks.GetMeasurementSnapshot().Count);
        }

        await AssertCountedAsync("blocked", ClientAt(address, "not-a-key"), Me, HttpStatusCode.TooManyRequests);
        await AssertCountedAsync("blocked", ClientAt(address, ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret), Me, HttpStatusCode.TooManyRequests);
        Assert.Single(blocks.GetMeasurementSnapshot());

        // The window ends: the block is over, and a new one would count again.
        app.Clock.Advance(app.Services.GetRequiredService<IOptions<ApiKeyVerificationOptions>>().Value.FailedAttemptWindow + TimeSpan.FromSeconds(1));
        await AssertCountedAsync("malformed", ClientAt(address, "not-a-key"), Me, HttpStatusCode.Unauthorized);
    }

    private static MetricCollector<long> Collect(MemsolusAppFactory app, string instrument) =>
        new(app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), Telemetry.MeterName, instrument);

    // The request is answered as expected and counted once, under the outcome, and under nothing else.
    private async Task AssertCountedAsync(string outcome, HttpClient client, string path, HttpStatusCode expected, HttpContent? body = null)
    {
        checks.Clear();
        await AssertStatusAsync(client, path, expected, body);
        var counted = Assert.Single(checks.GetMeasurementSnapshot());
        Assert.Equal(1, counted.Value);
        Assert.Equal(outcome, Assert.Single(counted.Tags, tag => tag.Key == "outcome").Value);
        Assert.Single(counted.Tags);
    }

    private static async Task AssertStatusAsync(HttpClient client, string path, HttpStatusCode expected, HttpContent? body = null)
    {
        using var response = body is null ? await client.GetAsync(path) : await client.PostAsync(path, body);
        await ApiAssert.StatusAsync(response, expected);
    }

    private HttpClient ClientAt(IPAddress address, string key)
    {
        var client = new HttpClient(app.Server.CreateHandler(context => context.Connection.RemoteIpAddress = address)) { BaseAddress = app.Server.BaseAddress };
        client.DefaultRequestHeaders.Add(ApiKeyHeader.Name, key);
        return client;
    }

    public sealed class OnSqlite(AppFixture<OnSqlite> fixture) : KeyCheckMetricsTests(fixture.App), IClassFixture<AppFixture<OnSqlite>>, ITestHost
    {
        public static TestHostOptions Options => Host;
    }

    public sealed class OnPostgres(AppFixture<OnPostgres> fixture) : KeyCheckMetricsTests(fixture.App), IClassFixture<AppFixture<OnPostgres>>, ITestHost
    {
        public static TestHostOptions Options => Host.OnPostgres();
    }
}
