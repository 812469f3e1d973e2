using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Ingestion;
using Memsolus.Dashboard.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Ingestion;

// docs/several-nodes.md "How each queue is claimed", with two nodes on one PostgreSQL database:
// node A runs an ingestion job itself (its worker stopped) and holds it mid-run, fetching a URL the
// test answers only when it chooses; node B starts with its real worker meanwhile.
[Collection(SeveralNodesCollection.Name)]
public sealed class IngestAcrossNodesTests
{
    [Fact]
    public async Task A_node_starting_while_another_runs_an_ingest_job_leaves_that_job_alone()
    {
        var requested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync(web => web.MapGet("/slow", async () =>
        {
            requested.SetResult();
            await release.Task;
            return Results.Text("finally", "text/plain");
        }));
        var database = await PostgresTestServer.CreateDatabaseAsync();
        try
        {
            var node = IngestHosts.Manual with { Provider = DatabaseProvider.Postgres, Database = database };
            await using var a = new MemsolusAppFactory(node);
            await using var b = new MemsolusAppFactory(node with { StoppedWorkers = [] });
            var session = await a.NewSessionAsync();
            using var submitted = await session.SubmitUrlAsync(server.Url("/slow").AbsoluteUri);
            var running = await IngestClient.AcceptedJobIdAsync(submitted);
            var run = Task.Run(() => a.Services.GetRequiredService<IngestRunner>().RunOnceAsync());
            await requested.Task.WaitAsync(TimeSpan.FromSeconds(30));
            using var uploaded = await session.UploadAsync(("later.txt", "a later job"));
            var later = await IngestClient.AcceptedJobIdAsync(uploaded);

            // B's start-up round (interrupted jobs first, then the queue) has passed the running
            // job when it has finished the later one.
            _ = b.Server;
            await b.WebhookEvents.WaitForAsync(e => e.EventType == WebhookEventTypes.IngestCompleted && e.Data is IngestJobDto job && job.Id == later);

            var meanwhile = await JobAsync(a, running);
            Assert.Equal(IngestJobStatus.Running, meanwhile.Status);
            Assert.Equal(a.Services.GetRequiredService<LeaseNode>().Id, meanwhile.LeasedBy);

            release.SetResult();
            Assert.True(await run);

            Assert.Equal(IngestJobStatus.Succeeded, (await JobAsync(a, running)).Status);
        }
        finally
        {
            release.TrySetResult();
            await PostgresTestServer.DropDatabaseAsync(database);
        }
    }

    // A stalls past its lease mid-job (to B, as if it had died: it renews nothing); B fails the job
    // with the interrupted reason once the lease has run out, and what A does afterwards changes
    // nothing.
    [Fact]
    public async Task An_ingest_job_whose_node_stopped_mid_run_is_failed_by_the_other_node_with_its_reason_once_the_lease_runs_out()
    {
        var requested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync(web => web.MapGet("/slow", async () =>
        {
            requested.SetResult();
            await release.Task;
            return Results.Text("finally", "text/plain");
        }));
        var database = await PostgresTestServer.CreateDatabaseAsync();
        try
        {
            var node = IngestHosts.Manual.With(new Dictionary<string, string?> { ["Ingest:LeaseDuration"] = "00:00:10" })
                with
            { Provider = DatabaseProvider.Postgres, Database = database };
            await using var a = new MemsolusAppFactory(node);
            await using var b = new MemsolusAppFactory(node with { StoppedWorkers = [] });
            var session = await a.NewSessionAsync();
            using var submitted = await session.SubmitUrlAsync(server.Url("/slow").AbsoluteUri);
            var id = await IngestClient.AcceptedJobIdAsync(submitted);
            var run = Task.Run(() => a.Services.GetRequiredService<IngestRunner>().RunOnceAsync());
            await requested.Task.WaitAsync(TimeSpan.FromSeconds(30));

            _ = b.Server;
            b.Clock.Advance(TimeSpan.FromSeconds(30));
            await b.WebhookEvents.WaitForAsync(e => e.EventType == WebhookEventTypes.IngestCompleted && e.Data is IngestJobDto job && job.Id == id);
            release.SetResult();
            await run;

            var failed = await session.GetJsonAsync($"/api/v1/ingest/jobs/{id}");
            Assert.Equal("failed", failed.GetProperty("status").GetString());
            Assert.Equal(IngestRunner.InterruptedMessage, Assert.Single(IngestClient.Errors(failed)).Message);
            Assert.Equal(0, IngestClient.Count(failed, "succeeded"));
            Assert.Null((await JobAsync(a, id)).LeasedBy);
        }
        finally
        {
            release.TrySetResult();
            await PostgresTestServer.DropDatabaseAsync(database);
        }
    }

    private static async Task<IngestJob> JobAsync(MemsolusAppFactory node, Guid id)
    {
        await using var db = await node.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        return await db.IngestJobs.AsNoTracking().SingleAsync(j => j.Id == id);
    }
}
