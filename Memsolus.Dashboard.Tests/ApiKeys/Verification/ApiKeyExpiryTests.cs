using System.Net;
using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Tests.ApiKeys.Verification;

// docs/security.md, check 3: an expired key is rejected like any other bad key. Time is the app's own
// (FakeTimeProvider), moved forward by the test, never waited for.
public abstract class ApiKeyExpiryTests(MemsolusAppFactory app)
{
    private const string Me = "/api/v1/me";

    [Fact]
    public async Task Thirty_day_key_works_until_its_expiry_and_is_401_from_that_moment_on()
    {
        var session = await app.NewSessionAsync([Permissions.MemoryRead], expiration: ApiKeyExpiration.Days30);
        var expiresAt = session.Key.Key.ExpiresAt!.Value;
        Assert.Equal(app.Clock.GetUtcNow().AddDays(30), expiresAt);

        app.Clock.Advance(expiresAt - app.Clock.GetUtcNow() - TimeSpan.FromSeconds(1));
        using (var lastSecond = await session.Client.GetAsync(Me))
        {
            var me = await ApiAssert.JsonAsync(lastSecond);
            Assert.Equal(expiresAt, me.GetProperty("expiresAt").GetDateTimeOffset());
        }

        app.Clock.Advance(TimeSpan.FromSeconds(1));
        using (var atExpiry = await session.Client.GetAsync(Me))
        {
            await ApiAssert.UnauthorizedAsync(atExpiry);
        }

        app.Clock.Advance(TimeSpan.FromDays(1));
        using var dayAfter = await session.Client.GetAsync(Me);
        await ApiAssert.UnauthorizedAsync(dayAfter);
    }

    [Fact]
    public async Task Expired_key_gets_the_same_401_body_as_a_key_that_never_existed()
    {
        var session = await app.NewSessionAsync([Permissions.MemoryRead], expiration: ApiKeyExpiration.Days30);
        app.Clock.Advance(TimeSpan.FromDays(31));

        using var expired = await session.Client.GetAsync(Me);
        using var unknown = await app.ApiClient(ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret).GetAsync(Me);

        Assert.Equal(
            ApiAssert.WithoutTraceId(await ApiAssert.UnauthorizedAsync(unknown)),
            ApiAssert.WithoutTraceId(await ApiAssert.UnauthorizedAsync(expired)));
        using var memories = await session.Client.GetAsync("/api/v1/memories");
        Assert.Equal(HttpStatusCode.Unauthorized, memories.StatusCode);
    }

    public sealed class OnSqlite(AppFixture<Hosts.FakeClock> fixture) : ApiKeyExpiryTests(fixture.App), IClassFixture<AppFixture<Hosts.FakeClock>>;

    public sealed class OnPostgres(AppFixture<Hosts.PostgresFakeClock> fixture) : ApiKeyExpiryTests(fixture.App), IClassFixture<AppFixture<Hosts.PostgresFakeClock>>;
}
