using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Tests.ApiKeys;
using Memsolus.Dashboard.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Memsolus.Dashboard.Tests.Usage;

// Several nodes flush request counts into one database. Two recorders, each with its own
// connections, stand for two nodes: flushing the same counters at the same moment must store
// the exact sum, at the first attempt (no failed flush, nothing left over for a retry).
public abstract class SharedUsageFlushTests(DatabaseProvider provider) : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 10, 9, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider clock = new(Start);
    private NodesTestDatabase database = default!;

    public async Task InitializeAsync() => database = await NodesTestDatabase.CreateAsync(provider);

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task Two_nodes_flushing_the_same_counters_at_once_store_the_exact_sum()
    {
        var (owner, key) = await CreateKeyAsync();
        var logs = new WarningLog();
        var nodeA = NewRecorder(logs);
        var nodeB = NewRecorder(logs);
        string[] outcomes = [UsageOutcomes.Success, UsageOutcomes.Forbidden, UsageOutcomes.Unauthorized];
        const int Rounds = 20;

        for (var round = 0; round < Rounds; round++)
        {
            // A new hour each round: neither node finds the row, both would insert it.
            var at = Start.AddHours(round);
            foreach (var outcome in outcomes)
            {
                nodeA.Record(key.Id, owner.UserId, at, "memories", outcome, count: 3);
                nodeB.Record(key.Id, owner.UserId, at, "memories", outcome, count: 4);
            }

            var flushes = await Task.WhenAll(Task.Run(() => nodeA.FlushAsync()), Task.Run(() => nodeB.FlushAsync()));

            Assert.Equal([outcomes.Length, outcomes.Length], flushes);
        }

        Assert.Empty(logs.Warnings);
        Assert.Equal(0, nodeA.PendingCount);
        Assert.Equal(0, nodeB.PendingCount);
        await using var db = database.CreateContext();
        var counters = await db.UsageCounters.AsNoTracking().ToListAsync();
        Assert.Equal(Rounds * outcomes.Length, counters.Count);
        Assert.All(counters, c => Assert.Equal(7L, c.Count));
        Assert.Equal(
            Enumerable.Range(0, Rounds).Select(hour => Start.AddHours(hour)),
            counters.Select(c => c.HourStart).Distinct().Order());
    }

    [Fact]
    public async Task Counts_of_a_key_deleted_before_the_flush_are_dropped_on_every_node()
    {
        var (owner, key) = await CreateKeyAsync();
        var (otherOwner, other) = await CreateKeyAsync();
        var logs = new WarningLog();
        var nodeA = NewRecorder(logs);
        var nodeB = NewRecorder(logs);
        nodeA.Record(key.Id, owner.UserId, Start, "memories", UsageOutcomes.Success, count: 2);
        nodeB.Record(key.Id, owner.UserId, Start, "memories", UsageOutcomes.Success, count: 5);
        nodeB.Record(other.Id, otherOwner.UserId, Start, "memories", UsageOutcomes.Success, count: 1);
        await using (var db = database.CreateContext())
        {
            await db.ApiKeys.Where(k => k.Id == key.Id).ExecuteDeleteAsync();
        }

        Assert.Equal(0, await nodeA.FlushAsync());
        Assert.Equal(1, await nodeB.FlushAsync());

        Assert.Empty(logs.Warnings);
        Assert.Equal(0, nodeA.PendingCount + nodeB.PendingCount);
        await using var check = database.CreateContext();
        var counter = Assert.Single(await check.UsageCounters.AsNoTracking().ToListAsync());
        Assert.Equal((other.Id, 1L), (counter.KeyId, counter.Count));
    }

    private RequestCountRecorder NewRecorder(WarningLog logs) =>
        new(new ContextFactory(database.Options), clock, Options.Create(new UsageOptions()), logs);

    private async Task<(AuditActor Owner, ApiKeySummary Key)> CreateKeyAsync()
    {
        var email = TestAccounts.NewEmail("shared-usage");
        var user = new ApplicationUser
        {
            UserName = email,
            NormalizedUserName = email.ToUpperInvariant(),
            Email = email,
            NormalizedEmail = email.ToUpperInvariant(),
        };
        await using (var db = database.CreateContext())
        {
            db.Users.Add(user);
            await db.SaveChangesAsync();
        }

        var owner = new AuditActor(user.Id, email, ApiKeyTestDatabase.ClientIp, ApiKeyTestDatabase.UserAgent);
        var service = new ApiKeyStore(new ContextFactory(database.Options), clock, Options.Create(new ApiKeysOptions()), NullLogger<ApiKeyStore>.Instance);
        var created = await service.CreateAsync(owner, ApiKeyTestDatabase.Request("agent", permissions: [Permissions.MemoryRead]));
        Assert.True(created.Succeeded, created.Error?.Message);
        return (owner, created.Value!.Key);
    }

    private sealed class ContextFactory(DbContextOptions<ApplicationDbContext> options) : IDbContextFactory<ApplicationDbContext>
    {
        public ApplicationDbContext CreateDbContext() => new(options);
    }

    // The recorder's warnings (a failed flush), from either node.
    private sealed class WarningLog : ILogger<RequestCountRecorder>
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> warnings = new();

        public IReadOnlyCollection<string> Warnings => warnings;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Warning)
            {
                warnings.Enqueue($"{formatter(state, exception)} {exception}");
            }
        }
    }
}

public sealed class SqliteSharedUsageFlushTests() : SharedUsageFlushTests(DatabaseProvider.Sqlite);

public sealed class PostgresSharedUsageFlushTests() : SharedUsageFlushTests(DatabaseProvider.Postgres);
