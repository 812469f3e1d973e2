using System.Net;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Verification;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.LeakReports;
using Memsolus.Dashboard.Tests.ApiKeys.Verification;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.LeakReports;

// A leak reported to one node takes effect on the others (docs/several-nodes.md): two nodes on one
// PostgreSQL database, each trusting the test's GitHub key; node B has the key cached, node A gets
// the alert, and B is waited for (generous bound, no time asserted) to refuse it, or to hold it
// quarantined, as the owner chose. How soon is measured by the load check (docs/leaks.md).
[Collection(SeveralNodesCollection.Name)]
public sealed class CrossNodeLeakTests : IAsyncLifetime
{
    private const string Me = "/api/v1/me";

    private readonly GitHubAlerts github = new("cross-node-key");
    private string database = "";
    private MemsolusAppFactory a = null!;
    private MemsolusAppFactory b = null!;

    public async Task InitializeAsync()
    {
        database = await PostgresTestServer.CreateDatabaseAsync();
        var onTheDatabase = new TestHostOptions { Provider = DatabaseProvider.Postgres, Database = database }.With(github.Settings);
        a = new MemsolusAppFactory(onTheDatabase);
        b = new MemsolusAppFactory(onTheDatabase);
        _ = a.Server;
        _ = b.Server;
        await SharedDatabaseNodes.WaitUntilAsync(() => SharedDatabaseNodes.Listener(a).IsListening && SharedDatabaseNodes.Listener(b).IsListening, "both nodes to listen");
    }

    public async Task DisposeAsync()
    {
        await a.DisposeAsync();
        await b.DisposeAsync();
        await PostgresTestServer.DropDatabaseAsync(database);
        github.Dispose();
    }

    [Fact]
    public async Task A_key_revoked_by_an_alert_on_one_node_is_refused_by_the_other()
    {
        var session = await a.NewSessionAsync([Permissions.MemoryRead]);
        var onB = b.ApiClient(session.Key.Secret);
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync(Me)).StatusCode);

        using var alert = await github.PostAsync(a.CreateClient(), GitHubAlerts.Body((session.Key.Secret, "https://github.com/x/y")));
        Assert.Equal(HttpStatusCode.OK, alert.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await a.ApiClient(session.Key.Secret).GetAsync(Me)).StatusCode);
        await WaitForStatusAsync(onB, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_key_quarantined_by_an_alert_on_one_node_is_read_again_as_quarantined_by_the_other()
    {
        var session = await a.NewSessionAsync([Permissions.MemoryRead]);
        await a.Services.GetRequiredService<LeakStore>().SetActionAsync(session.Owner, LeakAction.Quarantine);
        var onB = b.ApiClient(session.Key.Secret);
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync(Me)).StatusCode);
        var hash = new ApiKeyHash(ApiKeyFormat.Hash(session.Key.Secret));
        var cache = b.Services.GetRequiredService<ApiKeyCache>();
        Assert.True(cache.TryGet(hash, DateTimeOffset.UtcNow, out var before) && !before!.Key.Quarantined);

        using var alert = await github.PostAsync(a.CreateClient(), GitHubAlerts.Body((session.Key.Secret, null)));
        Assert.Equal(HttpStatusCode.OK, alert.StatusCode);

        await SharedDatabaseNodes.WaitUntilAsync(() => !cache.TryGet(hash, DateTimeOffset.UtcNow, out _), "node B to drop the key");
        await onB.GetAsync(Me);
        Assert.True(cache.TryGet(hash, DateTimeOffset.UtcNow, out var after) && after!.Key.Quarantined);
    }

    private static async Task WaitForStatusAsync(HttpClient client, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        HttpStatusCode status;
        while ((status = (await client.GetAsync(Me)).StatusCode) != expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Node B still answers {(int)status}.");
            await Task.Delay(20);
        }
    }
}
