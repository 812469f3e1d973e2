using System.Globalization;
using System.Net;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Verification;
using Memsolus.Dashboard.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Memsolus.Dashboard.Tests.ApiKeys.Verification;

// Two app nodes behind one load balancer, on one PostgreSQL database: a client that spreads its
// failed key checks over both gets the limit once, not once per node. Each node alone sees fewer
// failures than the limit; within a sync interval of the combined count reaching it, both answer
// 429. The clock is the real one (the nodes sync on a timer), with an hour-long window.
[Collection(SeveralNodesCollection.Name)]
public sealed class SharedFailedAttemptLimitTests : IAsyncLifetime
{
    private const int Limit = 6;
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);
    private static readonly TimeSpan SyncInterval = TimeSpan.FromMilliseconds(200);

    private static readonly TestHostOptions Node = new()
    {
        Provider = DatabaseProvider.Postgres,
        Settings = new Dictionary<string, string?>
        {
            ["ApiKeys:Verification:FailedAttemptLimit"] = Limit.ToString(CultureInfo.InvariantCulture),
            ["ApiKeys:Verification:FailedAttemptWindow"] = Window.ToString("c", CultureInfo.InvariantCulture),
            ["ApiKeys:Verification:FailedAttemptSyncInterval"] = SyncInterval.ToString("c", CultureInfo.InvariantCulture),
        },
    };

    private MemsolusAppFactory nodeA = default!;
    private MemsolusAppFactory nodeB = default!;

    public Task InitializeAsync()
    {
        nodeA = new MemsolusAppFactory(Node);
        nodeB = new MemsolusAppFactory(Node with { Database = nodeA.Database });
        _ = nodeA.Server;
        _ = nodeB.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await nodeB.DisposeAsync();
        await nodeA.DisposeAsync();
    }

    [Fact]
    public async Task Failures_spread_over_two_nodes_add_up_to_one_limit_and_both_nodes_answer_429()
    {
        var owner = await nodeA.NewOwnerAsync();
        var valid = await nodeA.NewKeyAsync(owner, [Permissions.MemoryRead]);
        var attacker = IPAddress.Parse("198.51.100.40");
        await ClearOfWindowEndAsync();

        // Alternately to A and B: each node sees Limit / 2 failures, under its own limit.
        for (var i = 0; i < Limit; i++)
        {
            using var rejected = await ClientAt(i % 2 == 0 ? nodeA : nodeB, attacker, "not-a-key").GetAsync("/api/v1/me");
            Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        }

        // Within a sync interval or so (waiting up to many, for a slow machine), both nodes
        // refuse the address's failed attempts until the aligned window ends (a key that verifies
        // is still served: the block stops failed attempts only). The wait asks each node's limiter
        // rather than sending more failures, which would count and could reach a node's own limit
        // (its own window, not the shared one) before the sync runs on a busy machine.
        foreach (var node in new[] { nodeA, nodeB })
        {
            await WaitUntilBlockedAsync(node, attacker);
            using var limited = await ClientAt(node, attacker, "not-a-key").GetAsync("/api/v1/me");
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
            var retryAfter = int.Parse(Assert.Single(limited.Headers.GetValues("Retry-After")), CultureInfo.InvariantCulture);
            Assert.InRange(retryAfter, 1, (int)Math.Ceiling(UntilWindowEnds().TotalSeconds) + 1);
        }

        // Only that address: a neighbour is served by both.
        var neighbour = IPAddress.Parse("198.51.100.41");
        using var neighbourAtA = await ClientAt(nodeA, neighbour, valid.Secret).GetAsync("/api/v1/me");
        using var neighbourAtB = await ClientAt(nodeB, neighbour, valid.Secret).GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.OK, neighbourAtA.StatusCode);
        Assert.Equal(HttpStatusCode.OK, neighbourAtB.StatusCode);

        Assert.DoesNotContain(nodeA.Logs.Lines().Concat(nodeB.Logs.Lines()), line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains(nameof(FailedAttemptSyncWorker), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fewer_failures_than_the_limit_across_both_nodes_block_nobody()
    {
        var owner = await nodeA.NewOwnerAsync();
        var valid = await nodeA.NewKeyAsync(owner, [Permissions.MemoryRead]);
        var client = IPAddress.Parse("198.51.100.42");
        await ClearOfWindowEndAsync();

        for (var i = 0; i < Limit - 1; i++)
        {
            using var rejected = await ClientAt(i % 2 == 0 ? nodeA : nodeB, client, "not-a-key").GetAsync("/api/v1/me");
            Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        }

        // Both nodes' failures are in the shared table (their syncs ran and wrote them), then a
        // sync on each node reads the total back: below the limit, nobody is blocked. Waiting for
        // the rows and syncing here, rather than for a time, fails if the syncs never ran.
        await WaitUntilSharedFailuresAsync(Limit - 1);
        foreach (var node in new[] { nodeA, nodeB })
        {
            Assert.Equal(0, await SyncOf(node).SyncAsync());
            Assert.False(node.Services.GetRequiredService<FailedAttemptLimiter>().IsBlocked(client, out _));
        }

        using var atA = await ClientAt(nodeA, client, valid.Secret).GetAsync("/api/v1/me");
        using var atB = await ClientAt(nodeB, client, valid.Secret).GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.OK, atA.StatusCode);
        Assert.Equal(HttpStatusCode.OK, atB.StatusCode);
    }

    [Fact]
    public void Sharing_is_on_with_PostgreSQL_and_off_with_SQLite()
    {
        Assert.True(SyncOf(nodeA).Enabled);

        using var sqlite = new MemsolusAppFactory(Node with { Provider = DatabaseProvider.Sqlite });

        Assert.False(SyncOf(sqlite).Enabled);
    }

    private static FailedAttemptSyncWorker SyncOf(MemsolusAppFactory app) =>
        app.Services.GetServices<IHostedService>().OfType<FailedAttemptSyncWorker>().Single();

    private static TimeSpan UntilWindowEnds()
    {
        var now = DateTimeOffset.UtcNow.UtcTicks;
        return TimeSpan.FromTicks(FailedAttemptLimiter.SharedWindowStart(now, Window) + Window.Ticks - now);
    }

    // The failures of one test must fall in one aligned window: near its end, wait for the next.
    private static async Task ClearOfWindowEndAsync()
    {
        var left = UntilWindowEnds();
        if (left < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(left + TimeSpan.FromSeconds(1));
        }
    }

    // Until the node's limiter holds the address as blocked by the shared count (bounded: 15 s).
    private static async Task WaitUntilBlockedAsync(MemsolusAppFactory node, IPAddress address)
    {
        var limiter = node.Services.GetRequiredService<FailedAttemptLimiter>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!limiter.IsBlocked(address, out _))
        {
            Assert.True(DateTime.UtcNow < deadline, "The shared count never blocked the address on this node.");
            await Task.Delay(SyncInterval / 2);
        }
    }

    // Until the shared table holds this many failures in all (each test has a database of its
    // own; bounded: 15 s).
    private async Task WaitUntilSharedFailuresAsync(int expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            await using var connection = new NpgsqlConnection(nodeA.Database);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""SELECT coalesce(sum("Failures"), 0) FROM "FailedAttemptCounts" """, connection);
            var failures = Convert.ToInt32(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
            if (failures == expected)
            {
                return;
            }

            Assert.True(failures < expected, $"The shared table holds {failures} failures; expected {expected}.");
            Assert.True(DateTime.UtcNow < deadline, $"The shared table holds {failures} failures after 15 s; expected {expected}.");
            await Task.Delay(SyncInterval / 2);
        }
    }

    private static HttpClient ClientAt(MemsolusAppFactory node, IPAddress address, string key)
    {
        var client = new HttpClient(node.Server.CreateHandler(context => context.Connection.RemoteIpAddress = address))
        {
            BaseAddress = node.Server.BaseAddress,
        };
        client.DefaultRequestHeaders.Add(ApiKeyHeader.Name, key);
        return client;
    }
}
