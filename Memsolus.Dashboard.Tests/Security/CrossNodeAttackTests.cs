using System.Net;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Verification;
using Memsolus.Dashboard.Data;
using Microsoft.Extensions.DependencyInjection;
using static Memsolus.Dashboard.Tests.Security.AttackRequests;

namespace Memsolus.Dashboard.Tests.Security;

// The attack list (docs/security.md#the-attack-list): a key revoked on one node and presented to
// another that has it cached. Two nodes of the app on one PostgreSQL database (several nodes need
// PostgreSQL; SQLite is one node), each answering known keys from its own cache: a change made on
// A reaches B through the database's notifications, within about a second
// (docs/several-nodes.md). B is asked until it refuses, for at most 15 seconds.
[Collection(SeveralNodesCollection.Name)]
public sealed class CrossNodeAttackTests(CrossNodeAttackTests.Nodes nodes) : IClassFixture<CrossNodeAttackTests.Nodes>
{
    private ApiKeyStore KeysOnA => nodes.A.Services.GetRequiredService<ApiKeyStore>();

    [Fact]
    public async Task Revoked_key_is_401_on_another_node_that_had_it_cached()
    {
        var session = await nodes.A.NewSessionAsync([Permissions.MemoryRead]);
        var onB = nodes.B.ApiClient(session.Key.Secret);
        await AssertStatusAsync(onB, HttpStatusCode.OK);
        await AssertStatusAsync(onB, HttpStatusCode.OK);

        var revoked = await KeysOnA.RevokeAsync(session.Owner, session.Key.Key.Id, "leaked");

        Assert.True(revoked.Succeeded, revoked.Error?.Message);
        await AssertStatusAsync(session.Client, HttpStatusCode.Unauthorized);
        await WaitForStatusAsync(onB, HttpStatusCode.Unauthorized);
        await AssertStatusAsync(onB, HttpStatusCode.Unauthorized);
    }

    // The revoke reaches B for that key alone: the owner's other key, cached on B too, keeps
    // working there, and a key B never saw is refused there at once.
    [Fact]
    public async Task Cross_node_revoke_stops_the_revoked_keys_and_only_those()
    {
        var session = await nodes.A.NewSessionAsync([Permissions.MemoryRead]);
        var other = await nodes.A.NewSessionAsync(session.Owner, [Permissions.MemoryRead]);
        var unseen = await nodes.A.NewSessionAsync(session.Owner, [Permissions.MemoryRead]);
        var onB = nodes.B.ApiClient(session.Key.Secret);
        var otherOnB = nodes.B.ApiClient(other.Key.Secret);
        await AssertStatusAsync(onB, HttpStatusCode.OK);
        await AssertStatusAsync(otherOnB, HttpStatusCode.OK);

        foreach (var key in new[] { session, unseen })
        {
            var revoked = await KeysOnA.RevokeAsync(session.Owner, key.Key.Key.Id, "leaked");
            Assert.True(revoked.Succeeded, revoked.Error?.Message);
        }

        await AssertStatusAsync(nodes.B.ApiClient(unseen.Key.Secret), HttpStatusCode.Unauthorized);
        await WaitForStatusAsync(onB, HttpStatusCode.Unauthorized);
        await AssertStatusAsync(otherOnB, HttpStatusCode.OK);
    }

    private static async Task AssertStatusAsync(HttpClient client, HttpStatusCode expected)
    {
        using var response = await client.GetAsync(Me);
        Assert.Equal(expected, response.StatusCode);
    }

    private static async Task WaitForStatusAsync(HttpClient client, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            using var response = await client.GetAsync(Me);
            if (response.StatusCode == expected)
            {
                return;
            }

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(DateTime.UtcNow < deadline, $"The other node still answers {response.StatusCode}.");
            await Task.Delay(20);
        }
    }

    // Nodes A and B, listening for each other's key changes, on a fresh copy of the migrated
    // template, dropped at the end.
    public sealed class Nodes : IAsyncLifetime
    {
        private string connectionString = "";

        public MemsolusAppFactory A { get; private set; } = null!;

        public MemsolusAppFactory B { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            connectionString = await PostgresTestServer.CreateDatabaseAsync();
            var onTheDatabase = new TestHostOptions { Provider = DatabaseProvider.Postgres, Database = connectionString };
            A = new MemsolusAppFactory(onTheDatabase);
            B = new MemsolusAppFactory(onTheDatabase);
            _ = A.Server;
            _ = B.Server;
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (!(Listener(A).IsListening && Listener(B).IsListening))
            {
                Assert.True(DateTime.UtcNow < deadline, "The nodes do not listen for key changes.");
                await Task.Delay(20);
            }
        }

        public async Task DisposeAsync()
        {
            await A.DisposeAsync();
            await B.DisposeAsync();
            await PostgresTestServer.DropDatabaseAsync(connectionString);
        }

        private static ApiKeyChangeWorker Listener(MemsolusAppFactory node) =>
            node.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<ApiKeyChangeWorker>().Single();
    }
}
