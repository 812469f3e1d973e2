using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Usage;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Tests.Usage;

// Several nodes flush request counts into one database. Two recorders, each with its own
// connections, stand for two nodes: flushing the same counters at the same moment must store
// the exact sum, at the first attempt (no failed flush, nothing left over for a retry). A barrier
// makes every round's two writes overlap, rather than hoping two tasks happen to.
public abstract class SharedUsageFlushTests(DatabaseProvider provider) : IAsyncLifetime
{
    // The hour the test clock starts in: counts recorded on the hour land in that hour's row.
    private static readonly DateTimeOffset FirstHour = TestClock.Start.AddMinutes(-TestClock.Start.Minute);

    private TestDatabase database = default!;

    public async Task InitializeAsync() => database = await TestDatabase.CreateAsync(provider);

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task Two_nodes_flushing_the_same_counters_at_once_store_the_exact_sum()
    {
        var (owner, key) = await CreateKeyAsync();
        var logs = new FakeLogCollector();
        using var together = new Barrier(2);
        var nodeA = NewRecorder(logs, together);
        var nodeB = NewRecorder(logs, together);
        string[] outcomes = [UsageOutcomes.Success, UsageOutcomes.Forbidden, UsageOutcomes.Unauthorized];
        const int Rounds = 20;

        for (var round = 0; round < Rounds; round++)
        {
            // A new hour each round: neither node finds the row, both would insert it.
            var at = FirstHour.AddHours(round);
            foreach (var outcome in outcomes)
            {
                nodeA.Record(key.Id, owner.UserId, at, "memories", outcome, count: 3);
                nodeB.Record(key.Id, owner.UserId, at, "memories", outcome, count: 4);
            }

            var flushes = await Task.WhenAll(Task.Run(() => nodeA.FlushAsync()), Task.Run(() => nodeB.FlushAsync()));

            Assert.Equal([outcomes.Length, outcomes.Length], flushes);
        }

        Assert.Empty(Warnings(logs));
        Assert.Equal(0, nodeA.PendingCount);
        Assert.Equal(0, nodeB.PendingCount);
        await using var db = database.CreateContext();
        var counters = await db.UsageCounters.AsNoTracking().ToListAsync();
        Assert.Equal(Rounds * outcomes.Length, counters.Count);
        Assert.All(counters, c => Assert.Equal(7L, c.Count));
        Assert.Equal(
            Enumerable.Range(0, Rounds).Select(hour => FirstHour.AddHours(hour)),
            counters.Select(c => c.HourStart).Distinct().Order());
    }

    [Fact]
    public async Task Counts_of_a_key_deleted_before_the_flush_are_dropped_on_every_node()
    {
        var (owner, key) = await CreateKeyAsync();
        var (otherOwner, other) = await CreateKeyAsync();
        var logs = new FakeLogCollector();
        var nodeA = NewRecorder(logs);
        var nodeB = NewRecorder(logs);
        nodeA.Record(key.Id, owner.UserId, FirstHour, "memories", UsageOutcomes.Success, count: 2);
        nodeB.Record(key.Id, owner.UserId, FirstHour, "memories", UsageOutcomes.Success, count: 5);
        nodeB.Record(other.Id, otherOwner.UserId, FirstHour, "memories", UsageOutcomes.Success, count: 1);
        await using (var db = database.CreateContext())
        {
            await db.ApiKeys.Where(k => k.Id == key.Id).ExecuteDeleteAsync();
        }

        Assert.Equal(0, await nodeA.FlushAsync());
        Assert.Equal(1, await nodeB.FlushAsync());

        Assert.Empty(Warnings(logs));
        Assert.Equal(0, nodeA.PendingCount + nodeB.PendingCount);
        await using var check = database.CreateContext();
        var counter = Assert.Single(await check.UsageCounters.AsNoTracking().ToListAsync());
        Assert.Equal((other.Id, 1L), (counter.KeyId, counter.Count));
    }

    // A node's recorder: its own connections, and its log in the collector both nodes share. With
    // a barrier, each flush's write waits for the other node's, so the two always overlap.
    private RequestCountRecorder NewRecorder(FakeLogCollector logs, Barrier? together = null) =>
        new(
            together is null ? database.NewContextFactory() : new TestDbContextFactory(new DbContextOptionsBuilder<ApplicationDbContext>(database.ContextOptions).AddInterceptors(new WriteTogether(together, provider)).Options),
            database.Clock,
            Options.Create(new UsageOptions()),
            new FakeLogger<RequestCountRecorder>(logs));

    // Holds each flush's write until the other node's is at the same point: on PostgreSQL at the
    // first INSERT of the transaction (both transactions open, neither has locked a row yet); on
    // SQLite, which lets one writer in at a time, as the transaction begins.
    private sealed class WriteTogether(Barrier barrier, DatabaseProvider provider) : DbCommandInterceptor, IDbTransactionInterceptor
    {
        private DbTransaction? waitedIn;

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (provider == DatabaseProvider.Postgres && command.CommandText.Contains("INSERT INTO \"UsageCounters\"", StringComparison.Ordinal) && command.Transaction != waitedIn)
            {
                waitedIn = command.Transaction;
                Meet();
            }

            return ValueTask.FromResult(result);
        }

        public ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
        {
            if (provider == DatabaseProvider.Sqlite)
            {
                Meet();
            }

            return ValueTask.FromResult(result);
        }

        private void Meet() => Assert.True(barrier.SignalAndWait(TimeSpan.FromSeconds(15)), "The other node never wrote at the same time.");
    }

    // A failed flush is logged as a warning.
    private static IEnumerable<string> Warnings(FakeLogCollector logs) =>
        logs.GetSnapshot().Where(r => r.Level >= LogLevel.Warning).Select(LogLines.Line);

    private async Task<(AuditActor Owner, ApiKeySummary Key)> CreateKeyAsync()
    {
        var owner = await database.AddOwnerAsync("shared-usage");
        var created = await database.CreateKeyAsync(owner, "agent", permissions: [Permissions.MemoryRead]);
        return (owner, created.Key);
    }

    [Collection(SeveralNodesCollection.Name)]
    public sealed class OnSqlite() : SharedUsageFlushTests(DatabaseProvider.Sqlite);

    [Collection(SeveralNodesCollection.Name)]
    public sealed class OnPostgres() : SharedUsageFlushTests(DatabaseProvider.Postgres);
}
