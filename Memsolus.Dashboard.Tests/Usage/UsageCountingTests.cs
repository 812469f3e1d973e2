using System.Net;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Usage;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Usage;

// Every API request is counted for the key that made it, by endpoint group and by the status
// the caller finally got, in memory until a flush. The clock is frozen at 2026-03-10 09:30, so
// the background flusher never runs on its own here.
public abstract class UsageCountingTests(MemsolusAppFactory app)
{
    private static readonly DateTimeOffset Hour = new(2026, 3, 10, 9, 0, 0, TimeSpan.Zero);

    private RequestCountRecorder Recorder => app.Services.GetRequiredService<RequestCountRecorder>();

    private List<(string Group, string Outcome, long Count)> PendingFor(Guid keyId) =>
        Recorder.Pending().Where(p => p.KeyId == keyId)
            .Select(p => (p.Group, p.Outcome, p.Count))
            .OrderBy(p => p.Group, StringComparer.Ordinal).ThenBy(p => p.Outcome, StringComparer.Ordinal)
            .ToList();

    [Fact]
    public async Task Each_request_is_counted_for_its_key_by_endpoint_group_and_outcome()
    {
        var session = await app.NewSessionAsync([Permissions.MemoryRead]);

        await SendAsync(session, HttpMethod.Get, "/api/v1/memories", HttpStatusCode.OK);
        await SendAsync(session, HttpMethod.Get, "/api/v1/memories/search", HttpStatusCode.BadRequest);
        await SendAsync(session, HttpMethod.Get, $"/api/v1/memories/{Guid.NewGuid()}", HttpStatusCode.NotFound);
        await SendAsync(session, HttpMethod.Get, "/api/v1/knowledge", HttpStatusCode.Forbidden);
        await SendAsync(session, HttpMethod.Get, "/api/v1/me", HttpStatusCode.OK);
        await SendAsync(session, HttpMethod.Get, "/api/v1/me", HttpStatusCode.OK);

        Assert.Equal(
            [("knowledge", "403", 1L), ("me", "2xx", 2L), ("memories", "2xx", 1L), ("memories", "4xx", 2L)],
            PendingFor(session.Key.Key.Id));
        Assert.All(Recorder.Pending().Where(p => p.KeyId == session.Key.Key.Id), p => Assert.Equal(Hour, p.HourStart));
    }

    [Fact]
    public async Task A_revoked_keys_refused_requests_are_counted_against_it()
    {
        var session = await app.NewSessionAsync([Permissions.MemoryRead]);
        Assert.True((await app.Services.GetRequiredService<ApiKeyStore>().RevokeAsync(session.Owner, session.Key.Key.Id, "leaked")).Succeeded);

        await SendAsync(session, HttpMethod.Get, "/api/v1/memories", HttpStatusCode.Unauthorized);
        await SendAsync(session, HttpMethod.Get, "/api/v1/me", HttpStatusCode.Unauthorized);

        Assert.Equal([("me", "401", 1L), ("memories", "401", 1L)], PendingFor(session.Key.Key.Id));
    }

    [Fact]
    public async Task Requests_that_name_no_stored_key_are_not_counted()
    {
        var unknown = ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret;
        var before = Recorder.Pending().Sum(p => p.Count);

        using (var response = await app.ApiClient(key: null).GetAsync("/api/v1/me"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using (var response = await app.ApiClient("msk_live_not-a-key").GetAsync("/api/v1/me"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using (var response = await app.ApiClient(unknown).GetAsync("/api/v1/memories"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        Assert.Equal(before, Recorder.Pending().Sum(p => p.Count));
    }

    [Fact]
    public async Task A_flush_writes_the_counts_and_the_usage_report_shows_them()
    {
        var session = await app.NewSessionAsync([Permissions.MemoryRead, Permissions.DashboardRead]);
        await SendAsync(session, HttpMethod.Get, "/api/v1/memories", HttpStatusCode.OK);
        await SendAsync(session, HttpMethod.Get, "/api/v1/knowledge", HttpStatusCode.Forbidden);
        var usage = app.Services.GetRequiredService<UsageStore>();
        Assert.Equal(0, (await usage.GetAsync(session.Owner.UserId, ApiKeyEnvironment.Live)).Keys.Single().Total);

        await Recorder.FlushAsync();

        Assert.Empty(PendingFor(session.Key.Key.Id));
        var today = (await usage.GetAsync(session.Owner.UserId, ApiKeyEnvironment.Live)).Keys.Single().Days[^1];
        Assert.Equal((2L, 1L, 1L), (today.Total, today.Outcomes["2xx"], today.Outcomes["403"]));
    }

    private static async Task SendAsync(ApiSession session, HttpMethod method, string path, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path);
        using var response = await session.Client.SendAsync(request);
        await ApiAssert.StatusAsync(response, expected);
    }

    public sealed class OnSqlite(AppFixture<Hosts.FakeClock> fixture) : UsageCountingTests(fixture.App), IClassFixture<AppFixture<Hosts.FakeClock>>;

    public sealed class OnPostgres(AppFixture<Hosts.PostgresFakeClock> fixture) : UsageCountingTests(fixture.App), IClassFixture<AppFixture<Hosts.PostgresFakeClock>>;
}
