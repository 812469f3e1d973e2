using System.Net;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Verification;
using Memsolus.Dashboard.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.ApiKeys.Verification;

// docs/several-nodes.md: an allowlist edited on one node is honoured by another that had the key
// cached with the old list. Node B drops the key when it hears of the change (an observable event,
// waited for with a generous bound); its next request reads the new list.
[Collection(SeveralNodesCollection.Name)]
public sealed class CrossNodeAllowlistTests
{
    private const string Me = "/api/v1/me";

    [Fact]
    public async Task An_allowlist_edited_on_one_node_applies_on_another_both_ways()
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
            var owner = await a.NewOwnerAsync();
            var keys = a.Services.GetRequiredService<ApiKeyStore>();
            var created = await keys.CreateAsync(owner, new CreateApiKeyRequest("office", ApiKeyEnvironment.Live, [Permissions.MemoryRead], ApiKeyExpiration.Never, AllowedNetworks: "192.0.2.0/24"));
            Assert.True(created.Succeeded, created.Error?.Message);
            var key = created.Value!;
            var hash = new ApiKeyHash(ApiKeyFormat.Hash(key.Secret));
            var cacheOnB = b.Services.GetRequiredService<ApiKeyCache>();

            Assert.Equal(HttpStatusCode.OK, await StatusOnAsync(b, key.Secret, "192.0.2.5"));
            Assert.Equal(HttpStatusCode.Forbidden, await StatusOnAsync(b, key.Secret, "198.51.100.9"));
            Assert.True(cacheOnB.TryGet(hash, DateTimeOffset.UtcNow, out _));

            var narrowed = await keys.UpdateAsync(owner, key.Key.Id, new UpdateApiKeyRequest("office", [Permissions.MemoryRead], "198.51.100.0/24"));
            Assert.True(narrowed.Succeeded, narrowed.Error?.Message);
            await SharedDatabaseNodes.WaitUntilAsync(() => !cacheOnB.TryGet(hash, DateTimeOffset.UtcNow, out _), "node B to drop the key");

            Assert.Equal(HttpStatusCode.Forbidden, await StatusOnAsync(b, key.Secret, "192.0.2.5"));
            Assert.Equal(HttpStatusCode.OK, await StatusOnAsync(b, key.Secret, "198.51.100.9"));
            Assert.True(cacheOnB.TryGet(hash, DateTimeOffset.UtcNow, out _));

            var cleared = await keys.UpdateAsync(owner, key.Key.Id, new UpdateApiKeyRequest("office", [Permissions.MemoryRead], ""));
            Assert.True(cleared.Succeeded, cleared.Error?.Message);
            await SharedDatabaseNodes.WaitUntilAsync(() => !cacheOnB.TryGet(hash, DateTimeOffset.UtcNow, out _), "node B to drop the key again");

            Assert.Equal(HttpStatusCode.OK, await StatusOnAsync(b, key.Secret, "192.0.2.5"));
            Assert.Equal(HttpStatusCode.OK, await StatusOnAsync(b, key.Secret, "203.0.113.1"));
        }
        finally
        {
            await b.DisposeAsync();
            await a.DisposeAsync();
            await PostgresTestServer.DropDatabaseAsync(database);
        }
    }

    private static async Task<HttpStatusCode> StatusOnAsync(MemsolusAppFactory node, string secret, string from)
    {
        using var client = new HttpClient(node.Server.CreateHandler(context => context.Connection.RemoteIpAddress = IPAddress.Parse(from)))
        {
            BaseAddress = node.Server.BaseAddress,
        };
        using var request = new HttpRequestMessage(HttpMethod.Get, Me);
        request.Headers.Add(ApiKeyHeader.Name, secret);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
