using System.Net;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Verification;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Tests.ApiKeys.Verification;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.ApiKeys.RateLimits;

// Two nodes of the app on one PostgreSQL database, as behind a load balancer, on the real clock:
// a key's budget is shared, so after a sync the two nodes together admit about the limit, not
// twice it. The test waits for node B's sync to take node A's requests (observable in B's bucket),
// never for a time; the limit is low enough (one request back every 30 s) that the refill
// cannot land in between.
[Collection(SeveralNodesCollection.Name)]
public sealed class RateLimitTwoNodesTests : IAsyncLifetime
{
    private const int Limit = 2;

    private string connectionString = "";
    private MemsolusAppFactory a = null!;
    private MemsolusAppFactory b = null!;

    public async Task InitializeAsync()
    {
        connectionString = await PostgresTestServer.CreateDatabaseAsync();
        var onTheDatabase = new TestHostOptions { Provider = DatabaseProvider.Postgres, Database = connectionString };
        a = new MemsolusAppFactory(onTheDatabase);
        b = new MemsolusAppFactory(onTheDatabase);
        _ = a.Server;
        _ = b.Server;
    }

    public async Task DisposeAsync()
    {
        await a.DisposeAsync();
        await b.DisposeAsync();
        await PostgresTestServer.DropDatabaseAsync(connectionString);
    }

    [Fact]
    public async Task After_a_sync_both_nodes_together_admit_about_the_limit_not_twice_it()
    {
        var owner = await a.NewOwnerAsync();
        var created = await a.Services.GetRequiredService<ApiKeyStore>().CreateAsync(owner, new CreateApiKeyRequest("shared", ApiKeyEnvironment.Live, [Permissions.MemoryRead], ApiKeyExpiration.Never) { RequestsPerMinute = Limit });
        Assert.True(created.Succeeded, created.Error?.Message);
        var keyId = created.Value!.Key.Id;
        using var onA = a.ApiClient(created.Value.Secret);
        using var onB = b.ApiClient(created.Value.Secret);

        using (var first = await onB.GetAsync("/api/v1/me"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var admittedOnA = 0;
        for (var i = 0; i < Limit + 2; i++)
        {
            using var response = await onA.GetAsync("/api/v1/me");
            admittedOnA += response.StatusCode == HttpStatusCode.OK ? 1 : 0;
        }

        Assert.InRange(admittedOnA, 1, Limit);

        // B's sync takes A's requests from B's bucket (B alone would still have one left).
        var limiterB = b.Services.GetRequiredService<RequestRateLimiter>();
        await SharedDatabaseNodes.WaitUntilAsync(() => limiterB.TryAcquire(keyId, Limit, take: false).Remaining == 0, "node B to take node A's requests");

        using (var refused = await onB.GetAsync("/api/v1/me"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.True(refused.Headers.Contains("Retry-After"));
        }

        Assert.InRange(1 + admittedOnA, Limit, Limit + 1);
    }
}
