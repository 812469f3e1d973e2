using System.Globalization;
using System.Net;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Verification;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Tests.ApiKeys.Verification;

// Too many failed key checks from one client address are answered 429 with Retry-After until the
// window ends; the block stops failed attempts only, so a key that verifies is still served. The test server gives requests no client address, so
// each client here is given one explicitly; the clock is the app's FakeTimeProvider.
public sealed class FailedAttemptLimitTests(AppFixture<FailedAttemptLimitTests> fixture) : IClassFixture<AppFixture<FailedAttemptLimitTests>>, ITestHost
{
    public const int Limit = 5;

    private readonly MemsolusAppFactory app = fixture.App;

    public static TestHostOptions Options { get; } = new()
    {
        FakeClock = true,
        Settings = new Dictionary<string, string?> { ["ApiKeys:Verification:FailedAttemptLimit"] = Limit.ToString(CultureInfo.InvariantCulture) },
    };

    [Fact]
    public async Task After_the_limit_of_failed_checks_failed_attempts_get_429_until_the_window_ends_and_a_valid_key_is_still_served()
    {
        var valid = await app.NewSessionAsync([Permissions.MemoryRead]);
        var address = IPAddress.Parse("198.51.100.17");
        var badKeys = new[]
        {
            "not-a-key",
            ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret,
            ApiKeyFormat.Generate(ApiKeyEnvironment.Test).Secret,
            "msk_live_" + new string('x', 42),
            ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret,
        };
        Assert.Equal(Limit, badKeys.Length);

        foreach (var bad in badKeys)
        {
            using var rejected = await ClientAt(address, bad).GetAsync("/api/v1/me");
            await ApiAssert.UnauthorizedAsync(rejected);
        }

        using (var served = await ClientAt(address, valid.Key.Secret).GetAsync("/api/v1/me"))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        // A key no cache holds yet is looked up (one blocked lookup at a time) and served too.
        var uncached = await app.NewSessionAsync([Permissions.MemoryRead]);
        using (var servedFromDatabase = await ClientAt(address, uncached.Key.Secret).GetAsync("/api/v1/me"))
        {
            Assert.Equal(HttpStatusCode.OK, servedFromDatabase.StatusCode);
        }

        using (var unknown = await ClientAt(address, ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret).GetAsync("/api/v1/me"))
        {
            await ApiAssert.ProblemAsync(unknown, HttpStatusCode.TooManyRequests);
        }

        using (var limited = await ClientAt(address, "not-a-key").GetAsync("/api/v1/me"))
        {
            await ApiAssert.ProblemAsync(limited, HttpStatusCode.TooManyRequests);
            var retryAfter = Assert.Single(limited.Headers.GetValues("Retry-After"));
            Assert.Matches("^[0-9]+$", retryAfter);
            var seconds = int.Parse(retryAfter, CultureInfo.InvariantCulture);
            Assert.InRange(seconds, 1, (int)Window.TotalSeconds);
        }

        app.Clock.Advance(Window + TimeSpan.FromSeconds(1));

        using var afterWindow = await ClientAt(address, "not-a-key").GetAsync("/api/v1/me");
        await ApiAssert.UnauthorizedAsync(afterWindow);
    }

    [Fact]
    public async Task A_limited_address_does_not_block_other_clients()
    {
        var valid = await app.NewSessionAsync([Permissions.MemoryRead]);
        var attacker = IPAddress.Parse("198.51.100.18");
        for (var i = 0; i < Limit; i++)
        {
            using var rejected = await ClientAt(attacker, "not-a-key").GetAsync("/api/v1/me");
            Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        }

        using var attackerAgain = await ClientAt(attacker, "not-a-key").GetAsync("/api/v1/me");
        using var neighbour = await ClientAt(IPAddress.Parse("198.51.100.19"), valid.Key.Secret).GetAsync("/api/v1/me");

        Assert.Equal(HttpStatusCode.TooManyRequests, attackerAgain.StatusCode);
        Assert.Equal(HttpStatusCode.OK, neighbour.StatusCode);
    }

    // The gate: from a blocked address a key the cache holds is decided in memory, a valid key it
    // does not hold yet is looked up once, through the one gate for blocked clients, and served;
    // junk is 429 without a lookup. A client that is not blocked never goes through the gate.
    [Fact]
    public async Task Blocked_address_is_served_cached_and_uncached_valid_keys_looking_up_only_the_uncached_through_the_gate()
    {
        var cached = await app.NewSessionAsync([Permissions.MemoryRead]);
        var uncached = await app.NewSessionAsync([Permissions.MemoryRead]);
        var neighbourKey = await app.NewSessionAsync([Permissions.MemoryRead]);
        var blocked = IPAddress.Parse("198.51.100.30");
        var neighbour = IPAddress.Parse("198.51.100.31");
        var authenticator = app.Services.GetRequiredService<ApiKeyAuthenticator>();
        using (var warm = await ClientAt(neighbour, cached.Key.Secret).GetAsync("/api/v1/me"))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        for (var i = 0; i < Limit; i++)
        {
            using var rejected = await ClientAt(blocked, "not-a-key").GetAsync("/api/v1/me");
            await ApiAssert.UnauthorizedAsync(rejected);
        }

        var before = authenticator.BlockedLookupsStarted;

        await AssertStatusAsync(blocked, cached.Key.Secret, HttpStatusCode.OK);
        Assert.Equal(before, authenticator.BlockedLookupsStarted);

        await AssertStatusAsync(blocked, uncached.Key.Secret, HttpStatusCode.OK);
        Assert.Equal(before + 1, authenticator.BlockedLookupsStarted);

        // Now cached: decided in memory.
        await AssertStatusAsync(blocked, uncached.Key.Secret, HttpStatusCode.OK);
        Assert.Equal(before + 1, authenticator.BlockedLookupsStarted);

        await AssertStatusAsync(blocked, "not-a-key", HttpStatusCode.TooManyRequests);
        Assert.Equal(before + 1, authenticator.BlockedLookupsStarted);

        // Well-formed but unknown: only the database can say, so through the gate, then 429.
        await AssertStatusAsync(blocked, ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret, HttpStatusCode.TooManyRequests);
        Assert.Equal(before + 2, authenticator.BlockedLookupsStarted);

        // Another client: its uncached key and its junk are answered as ever, never at the gate.
        await AssertStatusAsync(neighbour, neighbourKey.Key.Secret, HttpStatusCode.OK);
        await AssertStatusAsync(neighbour, ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret, HttpStatusCode.Unauthorized);
        Assert.Equal(before + 2, authenticator.BlockedLookupsStarted);
        Assert.Equal(0, authenticator.BlockedLookupsInFlight);
    }

    [Fact]
    public async Task Requests_without_any_key_are_not_failed_key_checks()
    {
        var valid = await app.NewSessionAsync([Permissions.MemoryRead]);
        var address = IPAddress.Parse("198.51.100.20");
        for (var i = 0; i < Limit + 1; i++)
        {
            using var anonymous = await ClientAt(address, key: null).GetAsync("/api/v1/me");
            await ApiAssert.UnauthorizedAsync(anonymous);
        }

        using var response = await ClientAt(address, valid.Key.Secret).GetAsync("/api/v1/me");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task AssertStatusAsync(IPAddress address, string key, HttpStatusCode expected)
    {
        using var response = await ClientAt(address, key).GetAsync("/api/v1/me");
        await ApiAssert.StatusAsync(response, expected);
    }

    private TimeSpan Window => app.Services.GetRequiredService<IOptions<ApiKeyVerificationOptions>>().Value.FailedAttemptWindow;

    private HttpClient ClientAt(IPAddress address, string? key)
    {
        var client = new HttpClient(app.Server.CreateHandler(context => context.Connection.RemoteIpAddress = address))
        {
            BaseAddress = app.Server.BaseAddress,
        };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add(ApiKeyHeader.Name, key);
        }

        return client;
    }
}
