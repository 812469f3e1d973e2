using System.Globalization;
using System.Net;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Usage;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.ApiKeys.RateLimits;

// A key's requests per minute (its own, or its account's default) through the API: the request
// over the limit is answered 429 with Retry-After, every response of a limited key carries the
// RateLimit-Policy and RateLimit headers, and the bucket refills as the app's fake clock moves
// (so every figure here is exact). Each test uses keys of its own.
public abstract class RateLimitTests(MemsolusAppFactory app)
{
    private static readonly TestHostOptions Host = new() { FakeClock = true };

    private ApiKeyStore Keys => app.Services.GetRequiredService<ApiKeyStore>();

    [Fact]
    public async Task The_request_over_the_limit_gets_429_with_Retry_After_and_the_bucket_refills_with_time()
    {
        var (_, client, _) = await NewKeyAsync(3);
        for (var remaining = 2; remaining >= 0; remaining--)
        {
            using var served = await client.GetAsync("/api/v1/me");
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            AssertHeaders(served, 3, $"\"per-key\";r={remaining};t={(3 - remaining) * 20}");
        }

        using (var refused = await client.GetAsync("/api/v1/me"))
        {
            var problem = await ApiAssert.ProblemAsync(refused, HttpStatusCode.TooManyRequests);
            Assert.Equal("rate_limited", problem.GetProperty("code").GetString());
            Assert.Contains("3 requests per minute", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            // One request comes back every 60/3 = 20 seconds.
            Assert.Equal("20", Assert.Single(refused.Headers.GetValues("Retry-After")));
            AssertHeaders(refused, 3, "\"per-key\";r=0;t=60");
        }

        app.Clock.Advance(TimeSpan.FromSeconds(19));
        using (var stillRefused = await client.GetAsync("/api/v1/me"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, stillRefused.StatusCode);
            Assert.Equal("1", Assert.Single(stillRefused.Headers.GetValues("Retry-After")));
        }

        app.Clock.Advance(TimeSpan.FromSeconds(1));
        using (var servedAgain = await client.GetAsync("/api/v1/me"))
        {
            Assert.Equal(HttpStatusCode.OK, servedAgain.StatusCode);
            AssertHeaders(servedAgain, 3, "\"per-key\";r=0;t=60");
        }
    }

    [Fact]
    public async Task Every_response_of_a_limited_key_has_the_headers_and_an_unlimited_keys_have_none()
    {
        var (_, limited, _) = await NewKeyAsync(100, [Permissions.MemoryRead, Permissions.MemoryWrite]);
        using (var notFound = await limited.GetAsync($"/api/v1/memories/{Guid.NewGuid()}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
            AssertHeaders(notFound, 100, "\"per-key\";r=99;t=1");
        }

        using (var badRequest = await limited.PostAsync("/api/v1/memories", new StringContent("{", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badRequest.StatusCode);
            Assert.True(badRequest.Headers.Contains("RateLimit"));
        }

        // Refused for a missing permission: spends nothing, still tells where the key stands.
        using (var forbidden = await limited.GetAsync("/api/v1/knowledge"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
            AssertHeaders(forbidden, 100, "\"per-key\";r=98;t=2");
        }

        var (_, unlimited, _) = await NewKeyAsync(null);
        foreach (var path in new[] { "/api/v1/me", $"/api/v1/memories/{Guid.NewGuid()}", "/api/v1/knowledge" })
        {
            using var response = await unlimited.GetAsync(path);
            Assert.False(response.Headers.Contains("RateLimit-Policy"), path);
            Assert.False(response.Headers.Contains("RateLimit"), path);
        }
    }

    [Fact]
    public async Task The_accounts_default_limits_a_key_without_its_own_and_a_keys_own_overrides_it()
    {
        var owner = await app.NewOwnerAsync();
        Assert.Null(await Keys.SetDefaultRequestsPerMinuteAsync(owner, 2));
        Assert.Equal(2, await Keys.GetDefaultRequestsPerMinuteAsync(owner));
        var (_, byDefault, _) = await NewKeyAsync(null, owner: owner);
        var (_, ownLimit, _) = await NewKeyAsync(5, owner: owner);

        await AssertAllowedAsync(byDefault, 2, 2);
        await AssertAllowedAsync(ownLimit, 5, 5);
    }

    [Fact]
    public async Task A_changed_limit_applies_to_the_next_request()
    {
        var (owner, client, key) = await NewKeyAsync(2);
        await AssertAllowedAsync(client, 2, 2);

        // Raised: what the key already spent counts against the new limit.
        Assert.True((await Keys.UpdateAsync(owner, key.Id, new UpdateApiKeyRequest(key.Name, key.Permissions) { RequestsPerMinute = 4 })).Succeeded);
        await AssertAllowedAsync(client, 4, 2);

        // Removed: no limit, no headers.
        var edited = await Keys.GetAsync(owner, key.Id);
        Assert.True((await Keys.UpdateAsync(owner, key.Id, new UpdateApiKeyRequest(key.Name, key.Permissions) { RequestsPerMinute = null }, expectedVersion: edited!.Version)).Succeeded);
        using var unlimited = await client.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.OK, unlimited.StatusCode);
        Assert.False(unlimited.Headers.Contains("RateLimit"));

        // The account's default, set after the key was cached, applies at once too.
        Assert.Null(await Keys.SetDefaultRequestsPerMinuteAsync(owner, 1));
        using var byDefault = await client.GetAsync("/api/v1/me");
        AssertHeaders(byDefault, 1, null);
    }

    [Fact]
    public async Task Refused_requests_are_counted_in_usage_as_429()
    {
        var (_, client, key) = await NewKeyAsync(1);
        using (await client.GetAsync("/api/v1/me"))
        {
        }

        for (var i = 0; i < 2; i++)
        {
            using var refused = await client.GetAsync("/api/v1/me");
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        var counted = app.Services.GetRequiredService<RequestCountRecorder>().Pending().Where(p => p.KeyId == key.Id)
            .Select(p => (p.Outcome, p.Count)).OrderBy(p => p.Outcome, StringComparer.Ordinal).ToList();
        Assert.Equal([(UsageOutcomes.Success, 1L), (UsageOutcomes.TooManyRequests, 2L)], counted);
    }

    // Sends requests until one is refused; asserts how many were served.
    private static async Task AssertAllowedAsync(HttpClient client, int limit, int expected)
    {
        for (var i = 0; i < expected; i++)
        {
            using var served = await client.GetAsync("/api/v1/me");
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            AssertHeaders(served, limit, null);
        }

        using var refused = await client.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        AssertHeaders(refused, limit, null);
    }

    private static void AssertHeaders(HttpResponseMessage response, int limit, string? rateLimit)
    {
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"\"per-key\";q={limit};w=60"), Assert.Single(response.Headers.GetValues("RateLimit-Policy")));
        var value = Assert.Single(response.Headers.GetValues("RateLimit"));
        if (rateLimit is null)
        {
            Assert.Matches("^\"per-key\";r=[0-9]+;t=[0-9]+$", value);
        }
        else
        {
            Assert.Equal(rateLimit, value);
        }
    }

    private async Task<(AuditActor Owner, HttpClient Client, ApiKeySummary Key)> NewKeyAsync(int? limit, IReadOnlyCollection<string>? permissions = null, AuditActor? owner = null)
    {
        owner ??= await app.NewOwnerAsync();
        var created = await Keys.CreateAsync(owner, new CreateApiKeyRequest($"limited-{Guid.NewGuid():N}", ApiKeyEnvironment.Live, permissions ?? [Permissions.MemoryRead], ApiKeyExpiration.Never) { RequestsPerMinute = limit });
        Assert.True(created.Succeeded, created.Error?.Message);
        return (owner, app.ApiClient(created.Value!.Secret), created.Value.Key);
    }

    public sealed class OnSqlite(AppFixture<OnSqlite> fixture) : RateLimitTests(fixture.App), IClassFixture<AppFixture<OnSqlite>>, ITestHost
    {
        public static TestHostOptions Options => Host;
    }

    public sealed class OnPostgres(AppFixture<OnPostgres> fixture) : RateLimitTests(fixture.App), IClassFixture<AppFixture<OnPostgres>>, ITestHost
    {
        public static TestHostOptions Options => Host.OnPostgres();
    }
}
