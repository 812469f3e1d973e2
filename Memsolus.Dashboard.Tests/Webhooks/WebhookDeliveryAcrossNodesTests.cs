using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Webhooks;

// docs/several-nodes.md: two nodes on one PostgreSQL database send the same webhook deliveries.
// Each node claims a delivery (a conditional update only one can win) before sending it, so every
// event reaches the receiver once however the nodes' runs overlap. Both nodes' runners are called
// at the same time; their background workers are stopped so that only those calls send.
[Collection(SeveralNodesCollection.Name)]
public sealed class WebhookDeliveryAcrossNodesTests
{
    [Fact]
    public async Task A_hundred_events_sent_by_two_nodes_at_once_each_arrive_exactly_once()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var database = await PostgresTestServer.CreateDatabaseAsync();
        var node = new TestHostOptions
        {
            Provider = DatabaseProvider.Postgres,
            Database = database,
            AllowPrivateNetworks = true,
            StoppedWorkers = [typeof(WebhookDeliveryWorker)],
        };
        try
        {
            await using var a = new MemsolusAppFactory(node);
            await using var b = new MemsolusAppFactory(node);
            _ = a.Server;
            _ = b.Server;
            var session = await a.NewSessionAsync();
            await session.CreateWebhookAsync(receiver.UrlOf("/hooks"), ["memory.created"]);
            for (var i = 0; i < 100; i++)
            {
                await session.CreateMemoryAsync($"memory {i}");
            }

            // The default batch is 50: three rounds of both nodes cover 100 deliveries with room.
            for (var round = 0; round < 3; round++)
            {
                await Task.WhenAll(Task.Run(() => Runner(a).RunOnceAsync()), Task.Run(() => Runner(b).RunOnceAsync()));
            }

            Assert.Equal(100, receiver.Requests.Count);
            Assert.Equal(100, receiver.Requests.Select(r => r.Json().GetProperty("id").GetGuid()).Distinct().Count());
        }
        finally
        {
            await PostgresTestServer.DropDatabaseAsync(database);
        }
    }

    private static WebhookDeliveryRunner Runner(MemsolusAppFactory node) => node.Services.GetRequiredService<WebhookDeliveryRunner>();
}
