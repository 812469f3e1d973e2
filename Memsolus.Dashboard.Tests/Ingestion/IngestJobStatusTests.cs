using System.Text.Json;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Ingestion;
using Memsolus.Dashboard.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Ingestion;

// A job's life as GET /ingest/jobs/{id} shows it: queued until the worker takes it, running while
// it imports, then succeeded, partial or failed, with the times of each step. The worker is off
// here; each test runs jobs itself, on a clock it moves.
public abstract class IngestJobStatusTests(MemsolusAppFactory app)
{
    private IngestRunner Runner => app.Services.GetRequiredService<IngestRunner>();

    [Fact]
    public async Task Job_is_queued_until_the_worker_runs_it_and_then_succeeded_with_its_times()
    {
        var session = await app.NewSessionAsync();
        var queuedAt = app.Clock.GetUtcNow();
        using var response = await session.UploadAsync(("a.md", "# A\nbody"));
        var id = await IngestClient.AcceptedJobIdAsync(response);
        var path = $"/api/v1/ingest/jobs/{id}";

        var queued = await session.GetJsonAsync(path);
        Assert.Equal("queued", queued.GetProperty("status").GetString());
        Assert.Equal(queuedAt, queued.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, queued.GetProperty("startedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, queued.GetProperty("completedAt").ValueKind);
        Assert.Equal(0, IngestClient.Count(queued, "items"));

        app.Clock.Advance(TimeSpan.FromMinutes(2));
        await DrainAsync();

        var done = await session.GetJsonAsync(path);
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        Assert.Equal(queuedAt.AddMinutes(2), done.GetProperty("startedAt").GetDateTimeOffset());
        Assert.Equal(queuedAt.AddMinutes(2), done.GetProperty("completedAt").GetDateTimeOffset());
        Assert.Equal((1, 1, 1), (IngestClient.Count(done, "items"), IngestClient.Count(done, "succeeded"), IngestClient.Count(done, "knowledgeCreated")));
    }

    [Fact]
    public async Task Job_is_running_while_its_url_is_fetched()
    {
        var requested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync(web => web.MapGet("/slow", async () =>
        {
            requested.SetResult();
            await release.Task;
            return Results.Text("finally", "text/plain");
        }));
        var session = await app.NewSessionAsync();
        using var response = await session.SubmitUrlAsync(server.Url("/slow").AbsoluteUri);
        var path = $"/api/v1/ingest/jobs/{await IngestClient.AcceptedJobIdAsync(response)}";
        app.Clock.Advance(TimeSpan.FromSeconds(5));

        var run = DrainAsync();
        await requested.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var running = await session.GetJsonAsync(path);
        release.SetResult();
        await run;

        Assert.Equal("running", running.GetProperty("status").GetString());
        Assert.Equal(app.Clock.GetUtcNow(), running.GetProperty("startedAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, running.GetProperty("completedAt").ValueKind);
        var done = await session.GetJsonAsync(path);
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        Assert.Equal("finally", Assert.Single(await session.ListAsync("/api/v1/knowledge")).GetProperty("content").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Url_that_stalls_before_or_during_its_body_fails_when_the_outbound_timeout_passes(bool sendPartOfTheBody)
    {
        var requested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync(web => web.MapGet("/stall", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/plain";
            if (sendPartOfTheBody)
            {
                await context.Response.WriteAsync("the start of");
                await context.Response.Body.FlushAsync();
            }

            requested.SetResult();
            await release.Task;
        }));
        var session = await app.NewSessionAsync();
        using var response = await session.SubmitUrlAsync(server.Url("/stall").AbsoluteUri);
        var path = $"/api/v1/ingest/jobs/{await IngestClient.AcceptedJobIdAsync(response)}";

        var run = DrainAsync();
        await requested.Task.WaitAsync(TimeSpan.FromSeconds(30));
        app.Clock.Advance(TimeSpan.FromSeconds(10));
        await run;
        release.SetResult();

        var job = await session.GetJsonAsync(path);
        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.Equal("The URL did not answer within 10 seconds.", Assert.Single(IngestClient.Errors(job)).Message);
    }

    [Fact]
    public async Task Jobs_run_oldest_first_and_run_once_answers_false_when_none_is_left()
    {
        var session = await app.NewSessionAsync();
        using var first = await session.UploadAsync(("first.md", "one"));
        using var second = await session.UploadAsync(("second.md", "two"));
        var firstId = await IngestClient.AcceptedJobIdAsync(first);
        var secondId = await IngestClient.AcceptedJobIdAsync(second);
        await DrainAsync(exceptFor: 1);

        Assert.Equal("succeeded", (await session.GetJsonAsync($"/api/v1/ingest/jobs/{firstId}")).GetProperty("status").GetString());
        Assert.Equal("queued", (await session.GetJsonAsync($"/api/v1/ingest/jobs/{secondId}")).GetProperty("status").GetString());
        Assert.True(await Runner.RunOnceAsync());
        Assert.False(await Runner.RunOnceAsync());
        Assert.Equal("succeeded", (await session.GetJsonAsync($"/api/v1/ingest/jobs/{secondId}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Job_list_is_newest_first_and_pages_with_a_cursor()
    {
        var session = await app.NewSessionAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await session.UploadAsync(($"{i}.md", $"{i}"));
            ids.Add(await IngestClient.AcceptedJobIdAsync(response));
        }

        var page = await session.GetJsonAsync("/api/v1/ingest/jobs?limit=2");
        var next = await session.GetJsonAsync($"/api/v1/ingest/jobs?limit=2&cursor={Uri.EscapeDataString(page.GetProperty("nextCursor").GetString()!)}");

        Assert.Equal([ids[2], ids[1]], page.GetProperty("data").EnumerateArray().Select(j => j.GetProperty("id").GetGuid()));
        Assert.Equal([ids[0]], next.GetProperty("data").EnumerateArray().Select(j => j.GetProperty("id").GetGuid()));
        Assert.Equal(JsonValueKind.Null, next.GetProperty("nextCursor").ValueKind);
        await DrainAsync();
    }

    [Fact]
    public async Task Job_another_node_runs_is_left_alone_by_a_node_that_starts()
    {
        var session = await app.NewSessionAsync();
        using var response = await session.UploadAsync(("a.md", "text"));
        var id = await IngestClient.AcceptedJobIdAsync(response);
        await LeaveRunningAsync(id, "another-node", app.Clock.GetUtcNow() + TimeSpan.FromMinutes(1));

        await StartANodeAsync(session);

        var job = await session.GetJsonAsync($"/api/v1/ingest/jobs/{id}");
        Assert.Equal("running", job.GetProperty("status").GetString());
        Assert.Empty(IngestClient.Errors(job));
        await LeaveRunningAsync(id, "another-node", app.Clock.GetUtcNow());
        await Runner.FailInterruptedAsync();
    }

    [Fact]
    public async Task Job_whose_node_died_is_failed_with_the_reason_once_its_lease_ran_out_and_its_files_are_dropped()
    {
        var session = await app.NewSessionAsync();
        using var response = await session.UploadAsync(("a.md", "text"));
        var id = await IngestClient.AcceptedJobIdAsync(response);
        await LeaveRunningAsync(id, "a-node-that-died", app.Clock.GetUtcNow());

        await StartANodeAsync(session);

        var job = await session.GetJsonAsync($"/api/v1/ingest/jobs/{id}");
        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.Equal(IngestRunner.InterruptedMessage, Assert.Single(IngestClient.Errors(job)).Message);
        Assert.Equal(app.Clock.GetUtcNow(), job.GetProperty("completedAt").GetDateTimeOffset());
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync())
        {
            Assert.False(await db.IngestItems.AnyAsync(i => db.IngestJobs.Any(j => j.Id == id && j.Sequence == i.JobSequence)));
        }

        Assert.False(await Runner.RunOnceAsync());
    }

    [Fact]
    public async Task Finished_job_keeps_no_copy_of_the_uploaded_files()
    {
        var session = await app.NewSessionAsync();
        using var response = await session.UploadAsync(("a.md", "text"), ("b.jsonl", "{\"content\":\"m\"}"));
        var id = await IngestClient.AcceptedJobIdAsync(response);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        var sequence = await db.IngestJobs.Where(j => j.Id == id).Select(j => j.Sequence).SingleAsync();
        Assert.Equal(2, await db.IngestItems.CountAsync(i => i.JobSequence == sequence));

        await DrainAsync();

        Assert.Equal(0, await db.IngestItems.CountAsync(i => i.JobSequence == sequence));
        Assert.Equal("succeeded", (await session.GetJsonAsync($"/api/v1/ingest/jobs/{id}")).GetProperty("status").GetString());
    }

    // Runs every queued job (from this and other tests in the class), leaving `exceptFor` queued.
    // Makes the job look as a node left it running, its lease held until the given time.
    // A node starting on this database with the real worker, its clock where this host's is: its
    // start-up round fails interrupted jobs, then runs the queue, so once it has completed a job
    // queued now, that round has passed every job above. Stopped afterwards.
    private async Task StartANodeAsync(ApiSession session)
    {
        using var uploaded = await session.UploadAsync(("marker.txt", "queued after the others"));
        var marker = await IngestClient.AcceptedJobIdAsync(uploaded);
        await using var node = new MemsolusAppFactory(IngestHosts.Manual with { StoppedWorkers = [], Provider = app.Provider, Database = app.Database });
        node.Clock.Advance(app.Clock.GetUtcNow() - node.Clock.GetUtcNow());
        _ = node.Server;
        await node.WebhookEvents.WaitForAsync(e => e.EventType == WebhookEventTypes.IngestCompleted && e.Data is IngestJobDto job && job.Id == marker);
    }

    private async Task LeaveRunningAsync(Guid id, string node, DateTimeOffset until)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        await db.IngestJobs.Where(j => j.Id == id).ExecuteUpdateAsync(
            s => s.SetProperty(j => j.Status, IngestJobStatus.Running).SetProperty(j => j.LeasedBy, node).SetProperty(j => j.LeasedUntil, until));
    }

    private async Task DrainAsync(int exceptFor = 0)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        var queued = await db.IngestJobs.CountAsync(j => j.Status == IngestJobStatus.Queued);
        for (var i = 0; i < queued - exceptFor; i++)
        {
            Assert.True(await Runner.RunOnceAsync());
        }
    }

    public sealed class OnSqlite(AppFixture<OnSqlite> fixture) : IngestJobStatusTests(fixture.App), IClassFixture<AppFixture<OnSqlite>>, ITestHost
    {
        public static TestHostOptions Options => IngestHosts.Manual;
    }

    public sealed class OnPostgres(AppFixture<OnPostgres> fixture) : IngestJobStatusTests(fixture.App), IClassFixture<AppFixture<OnPostgres>>, ITestHost
    {
        public static TestHostOptions Options => IngestHosts.Manual.OnPostgres();
    }
}
