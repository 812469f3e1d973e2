using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Exports;
using Memsolus.Dashboard.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Exports;

// docs/several-nodes.md "How each queue is claimed", with two nodes on one PostgreSQL database:
// node A claims an export (its lease is held, the job running) through its runner, its worker
// stopped so that the test decides when it writes; node B runs its real worker. Both nodes have a
// fake clock starting at TestClock.Start, so a lease runs out only when the test moves B's clock.
[Collection(SeveralNodesCollection.Name)]
public sealed class ExportAcrossNodesTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_node_starting_while_another_runs_an_export_leaves_that_export_alone()
    {
        await OnOneDatabaseAsync(async (a, b) =>
        {
            var session = await a.NewSessionAsync();
            var running = (await session.StartExportAsync()).Id();
            var job = await a.ExportRunner().ClaimNextAsync();
            Assert.Equal(running, job?.Id);
            var queued = (await session.StartExportAsync()).Id();

            // B's start-up round (interrupted jobs, then the queue oldest first) has passed the
            // running job when it has written the later one.
            _ = b.Server;
            await b.WebhookEvents.WaitForAsync(e => e.EventType == WebhookEventTypes.ExportCompleted && e.Data is ExportDto done && done.Id == queued);

            var meanwhile = await JobAsync(a, running);
            Assert.Equal(ExportStatus.Running, meanwhile.Status);
            Assert.Equal(a.Services.GetRequiredService<LeaseNode>().Id, meanwhile.LeasedBy);
            Assert.Equal(1, meanwhile.Attempts);

            await a.ExportRunner().WriteAsync(job!);

            var done = await JobAsync(a, running);
            Assert.Equal(ExportStatus.Succeeded, done.Status);
            Assert.Equal(1, done.Attempts);
            Assert.Equal("succeeded", (await session.GetExportAsync(running)).Text("status"));
        });
    }

    [Fact]
    public async Task An_export_whose_node_died_mid_run_completes_on_the_other_node_once_the_lease_runs_out()
    {
        await OnOneDatabaseAsync(async (a, b) =>
        {
            var session = await a.NewSessionAsync();
            var id = (await session.StartExportAsync()).Id();
            Assert.Equal(id, (await a.ExportRunner().ClaimNextAsync())?.Id);
            // A dies holding the job: no hand-back, its lease is left in the database.
            await a.DisposeAsync();

            _ = b.Server;
            b.Clock.Advance(TimeSpan.FromMinutes(1));
            await b.WebhookEvents.WaitForAsync(e => e.EventType == WebhookEventTypes.ExportCompleted && e.Data is ExportDto done && done.Id == id);

            var job = await JobAsync(b, id);
            Assert.Equal(ExportStatus.Succeeded, job.Status);
            Assert.Equal(2, job.Attempts);
            Assert.Null(job.LeasedBy);
            // The file is run 2's chunks in the database, which any node serves.
            Assert.All(await b.ExportChunksAsync(id), c => Assert.Equal(2, c.Attempt));
            using var download = await (session with { Client = b.ApiClient(session.Key.Secret) }).DownloadExportAsync(id);
            Assert.Equal(await b.ExpectedContentAsync(id), await download.Content.ReadAsByteArrayAsync());
        });
    }

    // A: no export worker; B: the real one (created, not started: a test starts it with b.Server).
    private static async Task OnOneDatabaseAsync(Func<MemsolusAppFactory, MemsolusAppFactory, Task> test)
    {
        var database = await PostgresTestServer.CreateDatabaseAsync();
        var lease = new Dictionary<string, string?> { [$"{ExportsOptions.SectionName}:{nameof(ExportsOptions.LeaseDuration)}"] = Lease.ToString() };
        var node = ExportsHosts.Worker.With(lease) with { Provider = DatabaseProvider.Postgres, Database = database };
        try
        {
            await using var a = new MemsolusAppFactory(node with { StoppedWorkers = [typeof(ExportWorker)] });
            await using var b = new MemsolusAppFactory(node);
            _ = a.Server;
            await test(a, b);
        }
        finally
        {
            await PostgresTestServer.DropDatabaseAsync(database);
        }
    }

    private static async Task<ExportJob> JobAsync(MemsolusAppFactory node, Guid id)
    {
        await using var db = await node.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        return await db.ExportJobs.AsNoTracking().SingleAsync(j => j.Id == id);
    }
}
