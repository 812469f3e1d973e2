using System.Net;
using System.Net.Http.Json;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.ApiKeys.Verification;

// A quarantine saved on one node reaches another that has the key cached, as every key change does
// (docs/several-nodes.md): node B refuses the key's writes once it has applied the change, and takes
// them again once a Restore on node A reaches it. Waited for with a generous bound, never timed.
[Collection(SeveralNodesCollection.Name)]
public sealed class CrossNodeQuarantineTests
{
    [Fact]
    public async Task A_key_quarantined_on_one_node_is_refused_writes_by_another_and_restored_there_too()
    {
        var database = await PostgresTestServer.CreateDatabaseAsync();
        var onTheDatabase = new TestHostOptions { Provider = DatabaseProvider.Postgres, Database = database };
        var a = new MemsolusAppFactory(onTheDatabase);
        var b = new MemsolusAppFactory(onTheDatabase);
        try
        {
            _ = a.Server;
            _ = b.Server;
            await SharedDatabaseNodes.WaitUntilAsync(() => SharedDatabaseNodes.Listener(a).IsListening && SharedDatabaseNodes.Listener(b).IsListening, "both nodes to listen");
            var session = await a.NewSessionAsync([Permissions.MemoryRead, Permissions.MemoryWrite]);
            var onB = b.ApiClient(session.Key.Secret);
            Assert.Equal(HttpStatusCode.Created, await WriteAsync(onB));
            var keys = a.Services.GetRequiredService<ApiKeyStore>();

            Assert.True((await keys.QuarantineAsync(session.Owner, session.Key.Key.Id)).Succeeded);

            await WaitForWriteAsync(onB, HttpStatusCode.Forbidden);
            using (var read = await onB.GetAsync("/api/v1/memories"))
            {
                Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            }

            Assert.True((await keys.RestoreAsync(session.Owner, session.Key.Key.Id)).Succeeded);

            await WaitForWriteAsync(onB, HttpStatusCode.Created);
        }
        finally
        {
            await b.DisposeAsync();
            await a.DisposeAsync();
            await PostgresTestServer.DropDatabaseAsync(database);
        }
    }

    private static async Task<HttpStatusCode> WriteAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/memories", new { content = "from node B" });
        return response.StatusCode;
    }

    // Writes until the answer is the one expected (B applied the change); fifteen seconds, far beyond
    // the second the load check measures, so a failure means the change never arrived.
    private static async Task WaitForWriteAsync(HttpClient client, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        HttpStatusCode status;
        while ((status = await WriteAsync(client)) != expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Still {(int)status} after 15 s; expected {(int)expected}.");
            await Task.Delay(20);
        }
    }
}
