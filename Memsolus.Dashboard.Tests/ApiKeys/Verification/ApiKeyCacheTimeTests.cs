using System.Net;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.ApiKeys.Verification;

// The cache against the app's clock: a cached key still stops at its expiry or the end of a
// rotation's grace period, and a change the app did not make (a hand-written SQL update, another
// node) is seen once the cache lifetime has passed.
public abstract class ApiKeyCacheTimeTests(MemsolusAppFactory app)
{
    private const string Me = "/api/v1/me";

    [Fact]
    public async Task Old_key_of_a_rotation_works_from_memory_through_its_grace_period_and_not_a_moment_after()
    {
        var old = await app.NewSessionAsync([Permissions.MemoryRead]);
        var rotated = await app.Services.GetRequiredService<ApiKeyStore>().RotateAsync(old.Owner, old.Key.Key.Id, RotationGrace.OneHour);
        Assert.True(rotated.Succeeded, rotated.Error?.Message);

        app.Clock.Advance(TimeSpan.FromMinutes(59));
        await AssertStatusAsync(old.Client, HttpStatusCode.OK);
        app.Clock.Advance(TimeSpan.FromSeconds(59));
        await AssertStatusAsync(old.Client, HttpStatusCode.OK);

        app.Clock.Advance(TimeSpan.FromSeconds(1));
        await AssertStatusAsync(old.Client, HttpStatusCode.Unauthorized);
        await AssertStatusAsync(app.ApiClient(rotated.Value!.Secret), HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_revocation_written_straight_to_the_database_is_seen_once_the_cache_lifetime_has_passed()
    {
        var session = await app.NewSessionAsync([Permissions.MemoryRead]);
        await AssertStatusAsync(session.Client, HttpStatusCode.OK);

        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync())
        {
            var now = app.Clock.GetUtcNow();
            // Bulk SQL bypasses the app's invalidation, as a change on another node would.
            await db.ApiKeys.Where(k => k.Id == session.Key.Key.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now));
        }

        await AssertStatusAsync(session.Client, HttpStatusCode.OK);
        app.Clock.Advance(TimeSpan.FromSeconds(60));
        await AssertStatusAsync(session.Client, HttpStatusCode.Unauthorized);
    }

    private static async Task AssertStatusAsync(HttpClient client, HttpStatusCode expected)
    {
        using var response = await client.GetAsync(Me);
        Assert.Equal(expected, response.StatusCode);
    }

    public sealed class OnSqlite(AppFixture<Hosts.FakeClock> fixture) : ApiKeyCacheTimeTests(fixture.App), IClassFixture<AppFixture<Hosts.FakeClock>>;

    public sealed class OnPostgres(AppFixture<Hosts.PostgresFakeClock> fixture) : ApiKeyCacheTimeTests(fixture.App), IClassFixture<AppFixture<Hosts.PostgresFakeClock>>;
}
