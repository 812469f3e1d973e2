using System.Net;
using System.Net.Http.Json;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Verification;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using static Memsolus.Dashboard.Tests.Security.AttackRequests;

namespace Memsolus.Dashboard.Tests.Security;

// The attack list (docs/security.md#the-attack-list): what junk costs the server. Counted, never
// timed: 100,000 junk keys from 100,000 addresses leave the failed-attempt limiter at its bound
// (MaxTrackedClients, 1,000 here) and add nothing to the key cache (unknown keys are not cached);
// and the four ways a real-looking key fails (unknown, wrong secret, revoked, lacking the
// permission) each cost the same work: one SHA-256 and one lookup by hash, after which the stored
// hash is compared in constant time (CryptographicOperations.FixedTimeEquals in ApiKeyVerifier).
// On both providers.
public abstract class ResourceAttackTests(MemsolusAppFactory app)
{
    private const int MaxTrackedClients = 1_000;

    private static readonly Dictionary<string, string?> Settings = new()
    {
        [$"{ApiKeyVerificationOptions.SectionName}:{nameof(ApiKeyVerificationOptions.MaxTrackedClients)}"] = MaxTrackedClients.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    // Through the app's own authenticator, verifier, limiter and cache, without HTTP (a hundred
    // thousand requests through the test server would only make the test slow) and without its
    // log, which would hold a line per rejection.
    [Fact]
    public async Task Hundred_thousand_junk_keys_leave_the_limiter_and_the_cache_bounded()
    {
        var limiter = app.Services.GetRequiredService<FailedAttemptLimiter>();
        var cache = app.Services.GetRequiredService<ApiKeyCache>();
        var authenticator = new ApiKeyAuthenticator(
            app.Services.GetRequiredService<ApiKeyVerifier>(),
            limiter,
            app.Services.GetRequiredService<LastUsedRecorder>(),
            TimeProvider.System,
            NullLogger<ApiKeyAuthenticator>.Instance);
        var junk = new Random(15);
        var cachedBefore = cache.Count;

        for (var i = 0; i < 100_000; i++)
        {
            var key = i % 100 == 0 ? NeverIssued() : "msk_live_" + new string((char)('A' + junk.Next(26)), 42);
            var context = new DefaultHttpContext();
            context.Connection.RemoteIpAddress = new IPAddress(new[] { (byte)10, (byte)(i >> 16), (byte)(i >> 8), (byte)i });
            context.Request.Headers[ApiKeyHeader.Name] = key;
            var result = await authenticator.AuthenticateAsync(context);
            Assert.Null(result.Principal);
            Assert.True(limiter.TrackedClients <= MaxTrackedClients, $"{limiter.TrackedClients} clients tracked after {i + 1} keys.");
        }

        Assert.Equal(cachedBefore, cache.Count);
        Assert.InRange(limiter.TrackedClients, 1, MaxTrackedClients);
    }

    [Fact]
    public async Task Unknown_wrong_secret_revoked_and_forbidden_keys_each_cost_one_lookup()
    {
        var owner = await app.NewOwnerAsync();
        var forbidden = await app.NewKeyAsync(owner, [Permissions.KnowledgeRead]);
        var revoked = await app.NewKeyAsync(owner, [Permissions.MemoryWrite]);
        var result = await app.Services.GetRequiredService<ApiKeyStore>().RevokeAsync(owner, revoked.Key.Id, "leaked");
        Assert.True(result.Succeeded, result.Error?.Message);
        var keys = new Dictionary<string, string>
        {
            ["unknown"] = NeverIssued(),
            ["wrong secret"] = WithChecksum(Flip(forbidden.Secret, ApiKeyFormat.PrefixLength + 5)),
            ["revoked"] = revoked.Secret,
            ["forbidden"] = forbidden.Secret,
        };

        var bodies = new Dictionary<string, string>();
        foreach (var (path, key) in keys)
        {
            Assert.True(ApiKeyFormat.TryParse(key, out _), path);
            var before = app.HashLookups();
            using var response = await app.ApiClient(key).PostAsJsonAsync("/api/v1/memories", new { content = "x" });
            Assert.Equal(1, app.HashLookups() - before);
            if (path == "forbidden")
            {
                await ApiAssert.ForbiddenAsync(response, Permissions.MemoryWrite);
            }
            else
            {
                bodies[path] = ApiAssert.WithoutTraceId(await ApiAssert.UnauthorizedAsync(response));
            }
        }

        Assert.Single(bodies.Values.Distinct());
    }

    // The key with its last six characters made the right checksum again: it passes the shape
    // check and reaches the lookup, like a key an attacker built rather than mistyped.
    private static string WithChecksum(string key)
    {
        var body = key[..(ApiKeyFormat.PrefixLength + ApiKeyFormat.RandomLength)];
        var value = Crc32.Compute(body);
        var checksum = new char[ApiKeyFormat.ChecksumLength];
        for (var i = ApiKeyFormat.ChecksumLength - 1; i >= 0; i--)
        {
            checksum[i] = ApiKeyFormat.Alphabet[(int)(value % 62)];
            value /= 62;
        }

        return body + new string(checksum);
    }

    public sealed class OnSqlite(AppFixture<OnSqlite> fixture) : ResourceAttackTests(fixture.App), IClassFixture<AppFixture<OnSqlite>>, ITestHost
    {
        public static TestHostOptions Options { get; } = new TestHostOptions().With(Settings);
    }

    public sealed class OnPostgres(AppFixture<OnPostgres> fixture) : ResourceAttackTests(fixture.App), IClassFixture<AppFixture<OnPostgres>>, ITestHost
    {
        public static TestHostOptions Options { get; } = new TestHostOptions().OnPostgres().With(Settings);
    }
}
