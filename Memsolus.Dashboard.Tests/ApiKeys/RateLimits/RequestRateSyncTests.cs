using Memsolus.Dashboard.ApiKeys.Verification;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Memsolus.Dashboard.Tests.ApiKeys.RateLimits;

// The token bucket, and two limiters with their syncs standing for two nodes on one database: the
// test runs each sync round by hand on a clock it moves, so every figure is exact. The sharing
// runs on both providers (on by default only with PostgreSQL; here switched on for SQLite too).
public abstract class RequestRateSyncTests(DatabaseProvider provider) : IAsyncLifetime
{
    private const int Limit = 6;

    private readonly FakeTimeProvider clock = TestClock.New();
    private readonly Guid key = Guid.CreateVersion7();
    private TestDatabase database = default!;

    public async Task InitializeAsync()
    {
        // 20 seconds into an aligned minute.
        clock.Advance(TimeSpan.FromSeconds(20));
        database = await TestDatabase.CreateAsync(provider);
    }

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public void A_bucket_admits_the_limit_at_once_then_one_request_per_sixtieth_of_a_minute_and_other_keys_are_apart()
    {
        var (limiter, _, _) = NewNode();
        Assert.Equal(Limit, Take(limiter, Limit + 5));
        var refused = limiter.TryAcquire(key, Limit);
        Assert.False(refused.Allowed);
        Assert.Equal(10, refused.RetryAfterSeconds);
        Assert.Equal("\"per-key\";q=6;w=60", refused.Policy);
        Assert.Equal("\"per-key\";r=0;t=60", refused.RateLimit);
        Assert.True(limiter.TryAcquire(Guid.CreateVersion7(), Limit).Allowed);

        clock.Advance(TimeSpan.FromSeconds(25));
        Assert.Equal(2, Take(limiter, Limit));
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(Limit, Take(limiter, Limit + 1));
    }

    [Fact]
    public void Buckets_that_are_full_again_are_forgotten_and_a_full_table_sweeps_them_before_growing()
    {
        // On one node (nothing waits to be shared).
        var (limiter, _, _) = NewNode(maxKeys: 100, share: false);
        var busy = Guid.CreateVersion7();
        for (var i = 0; i < 99; i++)
        {
            limiter.TryAcquire(Guid.CreateVersion7(), Limit);
        }

        Take(limiter, Limit, busy);
        Assert.Equal(100, limiter.TrackedKeys);
        Assert.Equal(0, limiter.SweepIdle());

        // Ten seconds give each of the 99 its one request back; the busy key is still short.
        clock.Advance(TimeSpan.FromSeconds(10));
        limiter.TryAcquire(Guid.CreateVersion7(), Limit);
        Assert.Equal(2, limiter.TrackedKeys);
        Assert.Equal(1, Take(limiter, Limit, busy));
    }

    [Fact]
    public async Task After_a_sync_each_node_has_what_the_cluster_has_left_not_a_limit_of_its_own()
    {
        var (limiterA, syncA, _) = NewNode();
        var (limiterB, syncB, _) = NewNode();
        Assert.Equal(1, Take(limiterB, 1));
        Assert.Equal(Limit, Take(limiterA, Limit));

        Assert.Equal(0, await syncA.SyncAsync());
        Assert.Equal(Limit, await syncB.SyncAsync());
        Assert.Equal(1, await syncA.SyncAsync());

        // A has paid for B's request (in debt by one), B for A's six: together they admitted the limit and one.
        Assert.Equal(0, Take(limiterA, Limit));
        Assert.Equal(0, Take(limiterB, Limit));
        Assert.Equal(Limit + 1, await StoredRequestsAsync());

        // A node that first sees the key after a sync starts it with the cluster's spending.
        var (limiterC, syncC, _) = NewNode();
        await syncC.SyncAsync();
        Assert.Equal(0, Take(limiterC, Limit));

        // The buckets refill at the limit's rate: twenty seconds give each node two back, less its debt of one.
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(1, Take(limiterA, Limit));
        Assert.Equal(1, Take(limiterB, Limit));
    }

    [Fact]
    public async Task Requests_a_sync_could_not_write_are_kept_for_the_next_one_and_the_failure_is_logged()
    {
        var (limiterA, syncA, nodeA) = NewNode();
        var (limiterB, syncB, _) = NewNode();
        Take(limiterA, Limit);

        nodeA.Factory.Unavailable = true;
        Assert.Equal(-1, await syncA.SyncAsync());
        Assert.Contains(nodeA.Logger.Collector.GetSnapshot(), r => r.Level >= LogLevel.Warning && r.Message.Contains("Could not share rate-limited keys' requests", StringComparison.Ordinal));
        Take(limiterB, 1);
        await syncB.SyncAsync();
        Assert.Equal(1, await StoredRequestsAsync());

        nodeA.Factory.Unavailable = false;
        Assert.Equal(1, await syncA.SyncAsync());
        await syncB.SyncAsync();
        Assert.Equal(Limit + 1, await StoredRequestsAsync());
        Assert.Equal(0, Take(limiterB, Limit));
    }

    [Fact]
    public async Task Rows_of_ended_minutes_are_deleted()
    {
        var (limiter, sync, _) = NewNode();
        Take(limiter, 2);
        await sync.SyncAsync();
        Assert.Equal(0, await sync.DeleteEndedAsync());

        clock.Advance(TimeSpan.FromMinutes(1));
        Take(limiter, 1);
        await sync.SyncAsync();

        Assert.Equal(1, await sync.DeleteEndedAsync());
        Assert.Equal(1, await StoredRequestsAsync());
    }

    // Tries times requests; returns how many were admitted.
    private int Take(RequestRateLimiter limiter, int times, Guid? of = null)
    {
        var admitted = 0;
        for (var i = 0; i < times; i++)
        {
            admitted += limiter.TryAcquire(of ?? key, Limit).Allowed ? 1 : 0;
        }

        return admitted;
    }

    private async Task<int> StoredRequestsAsync()
    {
        await using var db = database.CreateContext();
        return await db.RateLimitCounts.SumAsync(c => c.Requests);
    }

    private (RequestRateLimiter Limiter, RequestRateSyncWorker Sync, Node Node) NewNode(int maxKeys = 1000, bool share = true)
    {
        var settings = Options.Create(new ApiKeyVerificationOptions { ShareRequestRates = share, MaxRateLimitedKeys = maxKeys });
        var node = new Node(database.NewContextFactory(), new FakeLogger<RequestRateSyncWorker>());
        var limiter = new RequestRateLimiter(settings, Options.Create(new DatabaseOptions { Provider = provider }), clock);
        var sync = new RequestRateSyncWorker(limiter, node.Factory, settings, clock, node.Logger);
        return (limiter, sync, node);
    }

    private sealed record Node(TestDbContextFactory Factory, FakeLogger<RequestRateSyncWorker> Logger);

    [Collection(SeveralNodesCollection.Name)]
    public sealed class OnSqlite() : RequestRateSyncTests(DatabaseProvider.Sqlite);

    [Collection(SeveralNodesCollection.Name)]
    public sealed class OnPostgres() : RequestRateSyncTests(DatabaseProvider.Postgres);
}
