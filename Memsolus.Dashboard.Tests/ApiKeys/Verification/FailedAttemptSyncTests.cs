using System.Net;
using Memsolus.Dashboard.ApiKeys.Verification;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Memsolus.Dashboard.Tests.ApiKeys.Verification;

// Two limiters, each with its own sync, stand for two nodes on one database; the test runs each
// sync round by hand on a clock it moves, so every step is exact. On both providers (sharing is
// on by default only with PostgreSQL; here it is switched on for SQLite too).
public abstract class FailedAttemptSyncTests(DatabaseProvider provider) : IAsyncLifetime
{
    private const int Limit = 6;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly FakeTimeProvider clock = TestClock.New();
    private readonly IPAddress attacker = IPAddress.Parse("198.51.100.60");
    private TestDatabase database = default!;

    public async Task InitializeAsync()
    {
        // 20 seconds into an aligned minute.
        clock.Advance(TimeSpan.FromSeconds(20));
        database = await TestDatabase.CreateAsync(provider);
    }

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task A_client_is_blocked_on_every_node_once_their_failures_together_reach_the_limit_and_until_the_window_ends()
    {
        var (limiterA, syncA, _) = NewNode();
        var (limiterB, syncB, _) = NewNode();
        Fail(limiterA, Limit / 2);
        Fail(limiterB, Limit / 2);

        Assert.Equal(0, await syncA.SyncAsync());
        Assert.False(limiterA.IsBlocked(attacker, out _));
        Assert.Equal(1, await syncB.SyncAsync());
        Assert.Equal(1, await syncA.SyncAsync());

        foreach (var limiter in new[] { limiterA, limiterB })
        {
            Assert.True(limiter.IsBlocked(attacker, out var retryAfter));
            Assert.Equal(TimeSpan.FromSeconds(40), retryAfter);
            Assert.False(limiter.IsBlocked(IPAddress.Parse("198.51.100.61"), out _));
        }

        Assert.Equal(Limit, await StoredFailuresAsync());

        // The next aligned window starts from nothing on every node.
        clock.Advance(TimeSpan.FromSeconds(40));
        Assert.False(limiterA.IsBlocked(attacker, out _));
        Assert.Equal(0, await syncA.SyncAsync());
        Assert.Equal(0, await syncB.SyncAsync());
        Assert.False(limiterB.IsBlocked(attacker, out _));
    }

    [Fact]
    public async Task Failures_a_sync_could_not_write_are_kept_for_the_next_one_and_the_failure_is_logged()
    {
        var (limiterA, syncA, nodeA) = NewNode();
        var (limiterB, syncB, _) = NewNode();
        Fail(limiterA, Limit / 2);
        Fail(limiterB, Limit / 2);
        await syncB.SyncAsync();

        nodeA.Factory.Unavailable = true;
        Assert.Equal(-1, await syncA.SyncAsync());
        Assert.Contains(nodeA.Logger.Collector.GetSnapshot(), r => r.Level >= LogLevel.Warning && r.Message.Contains("Could not share failed API key checks", StringComparison.Ordinal));
        Assert.Equal(Limit / 2, await StoredFailuresAsync());

        nodeA.Factory.Unavailable = false;
        Assert.Equal(1, await syncA.SyncAsync());
        Assert.True(limiterA.IsBlocked(attacker, out _));
        Assert.Equal(Limit, await StoredFailuresAsync());
    }

    [Fact]
    public async Task Rows_of_ended_windows_are_deleted()
    {
        var (limiter, sync, _) = NewNode();
        Fail(limiter, 2);
        await sync.SyncAsync();
        Assert.Equal(0, await sync.DeleteEndedAsync());

        clock.Advance(Window);
        Fail(limiter, 1);
        await sync.SyncAsync();

        Assert.Equal(1, await sync.DeleteEndedAsync());
        Assert.Equal(1, await StoredFailuresAsync());
    }

    private void Fail(FailedAttemptLimiter limiter, int times)
    {
        for (var i = 0; i < times; i++)
        {
            limiter.RecordFailure(attacker);
        }
    }

    private async Task<int> StoredFailuresAsync()
    {
        await using var db = database.CreateContext();
        return await db.FailedAttemptCounts.SumAsync(c => c.Failures);
    }

    private (FailedAttemptLimiter Limiter, FailedAttemptSyncWorker Sync, Node Node) NewNode()
    {
        var settings = Options.Create(new ApiKeyVerificationOptions
        {
            FailedAttemptLimit = Limit,
            FailedAttemptWindow = Window,
            ShareFailedAttempts = true,
        });
        var node = new Node(database.NewContextFactory(), new FakeLogger<FailedAttemptSyncWorker>());
        var limiter = new FailedAttemptLimiter(settings, clock);
        var sync = new FailedAttemptSyncWorker(limiter, node.Factory, settings, Options.Create(new DatabaseOptions { Provider = provider }), clock, node.Logger);
        return (limiter, sync, node);
    }

    private sealed record Node(TestDbContextFactory Factory, FakeLogger<FailedAttemptSyncWorker> Logger);

    [Collection(SeveralNodesCollection.Name)]
    public sealed class OnSqlite() : FailedAttemptSyncTests(DatabaseProvider.Sqlite);

    [Collection(SeveralNodesCollection.Name)]
    public sealed class OnPostgres() : FailedAttemptSyncTests(DatabaseProvider.Postgres);
}
