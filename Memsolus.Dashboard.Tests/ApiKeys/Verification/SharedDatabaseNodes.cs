using Memsolus.Dashboard.ApiKeys.Verification;
using Memsolus.Dashboard.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Memsolus.Dashboard.Tests.ApiKeys.Verification;

// Four nodes of the app on one PostgreSQL database, as behind a load balancer: A and B as
// deployed (listening for each other's key changes); C with CrossNodeInvalidation off; D with a
// sweep only once a minute, so that it hears of changes by notification alone. The database is a
// fresh copy of the migrated template, dropped at the end.
public sealed class SharedDatabaseNodes : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    public MemsolusAppFactory A { get; private set; } = null!;

    public MemsolusAppFactory B { get; private set; } = null!;

    public MemsolusAppFactory C { get; private set; } = null!;

    public MemsolusAppFactory D { get; private set; } = null!;

    internal static ApiKeyChangeWorker Listener(MemsolusAppFactory node) =>
        node.Services.GetServices<IHostedService>().OfType<ApiKeyChangeWorker>().Single();

    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(20);
        }
    }

    public async Task InitializeAsync()
    {
        ConnectionString = await PostgresTestServer.CreateDatabaseAsync();
        // A makes the changes; one test saves more keys of one account than the default allows.
        var onTheDatabase = new TestHostOptions { Provider = DatabaseProvider.Postgres, Database = ConnectionString };
        A = new MemsolusAppFactory(onTheDatabase.With(new Dictionary<string, string?> { ["ApiKeys:MaxActivePerAccount"] = "1000" }));
        B = new MemsolusAppFactory(onTheDatabase);
        C = new MemsolusAppFactory(onTheDatabase.With(new Dictionary<string, string?>
        {
            [$"{ApiKeyVerificationOptions.SectionName}:{nameof(ApiKeyVerificationOptions.CrossNodeInvalidation)}"] = "false",
        }));
        D = new MemsolusAppFactory(onTheDatabase.With(new Dictionary<string, string?>
        {
            [$"{ApiKeyVerificationOptions.SectionName}:{nameof(ApiKeyVerificationOptions.CrossNodeSweepInterval)}"] = "00:01:00",
        }));
        foreach (var node in new[] { A, B, C, D })
        {
            _ = node.Server;
        }

        await WaitUntilAsync(() => Listener(A).IsListening && Listener(B).IsListening && Listener(D).IsListening, "nodes A, B and D to listen");
    }

    public async Task DisposeAsync()
    {
        foreach (var node in new[] { A, B, C, D })
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }

        await PostgresTestServer.DropDatabaseAsync(ConnectionString);
    }
}
