using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Tests.Usage;

// Several nodes flush request counts into one database. Two recorders, each with its own
// connections, stand for two nodes: flushing the same counters at the same moment must store
// the exact sum, at the first attempt (no failed flush, nothing left over for a retry).
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
        var nodeA = NewRecorder(logs);
        var nodeB = NewRecorder(logs);
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

    // A node's recorder: its own connections, and its log in the collector both nodes share.
    private RequestCountRecorder NewRecorder(FakeLogCollector logs) =>
        new(database.NewContextFactory(), database.Clock, Options.Create(new UsageOptions()), new FakeLogger<RequestCountRecorder>(logs));

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
