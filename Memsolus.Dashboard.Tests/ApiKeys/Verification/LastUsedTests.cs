using System.Net;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Verification;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.ApiKeys.Verification;

// Check 7 in docs/security.md: requests record "last used" in memory only; a flush writes it, and it never
// moves backwards. The clock is frozen (TestHostOptions.FakeClock), so the background flusher's timer
// never fires: only the flushes these tests call happen.
public abstract class LastUsedTests(MemsolusAppFactory app)
{
    private LastUsedRecorder Recorder => app.Services.GetRequiredService<LastUsedRecorder>();

    private ApiKeyStore Keys => app.Services.GetRequiredService<ApiKeyStore>();

    [Fact]
    public async Task Requests_only_note_last_used_in_memory_and_a_flush_writes_it()
    {
        await Recorder.FlushAsync();
        var session = await app.NewSessionAsync([Permissions.MemoryRead]);

        for (var i = 0; i < 3; i++)
        {
            using var response = await session.Client.GetAsync("/api/v1/memories");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(1, Recorder.PendingCount);
        Assert.Null((await Keys.GetAsync(session.Owner, session.Key.Key.Id))!.LastUsedAt);

        Assert.Equal(1, await Recorder.FlushAsync());

        Assert.Equal(0, Recorder.PendingCount);
        Assert.Equal(app.Clock.GetUtcNow(), (await Keys.GetAsync(session.Owner, session.Key.Key.Id))!.LastUsedAt);
    }

    [Fact]
    public async Task Rejected_requests_are_not_noted_as_use()
    {
        await Recorder.FlushAsync();
        var session = await app.NewSessionAsync([Permissions.MemoryRead]);
        var revoked = await Keys.RevokeAsync(session.Owner, session.Key.Key.Id, reason: null);
        Assert.True(revoked.Succeeded, revoked.Error?.Message);

        using var response = await session.Client.GetAsync("/api/v1/memories");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, Recorder.PendingCount);
    }

    [Fact]
    public async Task Flushing_an_older_time_never_moves_last_used_backwards()
    {
        await Recorder.FlushAsync();
        var session = await app.NewSessionAsync([Permissions.MemoryRead]);
        using (var response = await session.Client.GetAsync("/api/v1/me"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await Recorder.FlushAsync();
        var usedAt = app.Clock.GetUtcNow();
        Assert.Equal(usedAt, (await Keys.GetAsync(session.Owner, session.Key.Key.Id))!.LastUsedAt);

        // A time noted by a slower request, or another node's older batch, arrives after the newer one.
        Recorder.Record(session.Key.Key.Id, usedAt.AddHours(-1));
        await Recorder.FlushAsync();
        Assert.Equal(usedAt, (await Keys.GetAsync(session.Owner, session.Key.Key.Id))!.LastUsedAt);

        Recorder.Record(session.Key.Key.Id, usedAt.AddMinutes(5));
        await Recorder.FlushAsync();
        Assert.Equal(usedAt.AddMinutes(5), (await Keys.GetAsync(session.Owner, session.Key.Key.Id))!.LastUsedAt);
    }

    [Fact]
    public async Task Of_two_times_noted_before_one_flush_the_newer_is_written()
    {
        await Recorder.FlushAsync();
        var session = await app.NewSessionAsync([Permissions.MemoryRead]);
        var now = app.Clock.GetUtcNow();

        Recorder.Record(session.Key.Key.Id, now.AddMinutes(10));
        Recorder.Record(session.Key.Key.Id, now.AddMinutes(5));
        await Recorder.FlushAsync();

        Assert.Equal(now.AddMinutes(10), (await Keys.GetAsync(session.Owner, session.Key.Key.Id))!.LastUsedAt);
    }

    public sealed class OnSqlite(AppFixture<Hosts.FakeClock> fixture) : LastUsedTests(fixture.App), IClassFixture<AppFixture<Hosts.FakeClock>>;

    public sealed class OnPostgres(AppFixture<Hosts.PostgresFakeClock> fixture) : LastUsedTests(fixture.App), IClassFixture<AppFixture<Hosts.PostgresFakeClock>>;
}
