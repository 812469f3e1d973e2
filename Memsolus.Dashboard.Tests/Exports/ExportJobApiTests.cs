using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Exports;
using Memsolus.Dashboard.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Exports;

// POST, GET and download of export jobs, with the worker's steps run by the test so every status
// along the way can be seen: queued → running → succeeded (or failed).
public abstract class ExportJobApiTests(MemsolusAppFactory app)
{
    [Fact]
    public async Task Post_answers_202_with_the_queued_job_and_its_location()
    {
        var session = await app.NewSessionAsync();

        using var response = await session.PostExportAsync(new { format = "ndjson", include = new[] { "memories" } });

        var job = await ApiAssert.JsonAsync(response, HttpStatusCode.Accepted);
        Assert.Equal(new Uri($"/api/v1/exports/{job.Id()}", UriKind.Relative), response.Headers.Location);
        Assert.Equal("queued", job.Text("status"));
        Assert.Equal("ndjson", job.Text("format"));
        Assert.Equal(["memories"], job.GetProperty("include").EnumerateArray().Select(i => i.GetString()));
        Assert.Equal(app.Clock.GetUtcNow(), job.GetProperty("createdAt").GetDateTimeOffset());
        foreach (var unknownYet in new[] { "memoryCount", "knowledgeCount", "sizeBytes", "downloadUrl", "startedAt", "completedAt", "expiresAt", "error" })
        {
            Assert.Equal(JsonValueKind.Null, job.GetProperty(unknownYet).ValueKind);
        }

        Assert.True(JsonElement.DeepEquals(job, await session.GetExportAsync(job.Id())));
    }

    [Fact]
    public async Task Post_without_a_body_exports_memories_and_knowledge_as_json()
    {
        var session = await app.NewSessionAsync();

        var job = await session.StartExportAsync(body: null);

        Assert.Equal("json", job.Text("format"));
        Assert.Equal(["memories", "knowledge"], job.GetProperty("include").EnumerateArray().Select(i => i.GetString()));
    }

    [Theory]
    [InlineData("""{"format":"xml"}""", "format")]
    [InlineData("""{"format":"JSON"}""", "format")]
    [InlineData("""{"format":""}""", "format")]
    [InlineData("""{"format":5}""", "format")]
    [InlineData("""{"format":["json"]}""", "format")]
    [InlineData("""{"include":[]}""", "include")]
    [InlineData("""{"include":["memories","files"]}""", "include")]
    [InlineData("""{"include":"memories"}""", "include")]
    [InlineData("""{"include":[1]}""", "include")]
    [InlineData("""{"include":[null]}""", "include")]
    [InlineData("""{"include":{"memories":true}}""", "include")]
    public async Task Post_with_a_bad_field_is_400_naming_that_field_and_queues_nothing(string body, string field)
    {
        var session = await app.NewSessionAsync();

        using var response = await session.Client.PostAsync("/api/v1/exports", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await ApiAssert.InvalidFieldAsync(response, field);
        Assert.Single(problem.GetProperty("errors").EnumerateObject());
        Assert.Empty(await session.ListAsync("/api/v1/exports"));
    }

    [Fact]
    public async Task Post_with_both_fields_bad_names_both()
    {
        var session = await app.NewSessionAsync();

        using var response = await session.Client.PostAsJsonAsync("/api/v1/exports", new { format = "csv", include = new[] { "everything" } });

        await ApiAssert.InvalidFieldAsync(response, "format");
        await ApiAssert.InvalidFieldAsync(response, "include");
    }

    [Fact]
    public async Task Job_moves_from_queued_to_running_to_succeeded_with_counts_size_and_expiry()
    {
        var session = await app.NewSessionAsync();
        await session.CreateMemoryAsync("one");
        await session.CreateMemoryAsync("two");
        await session.CreateKnowledgeAsync("three", "three");
        var id = (await session.StartExportAsync()).Id();
        Assert.Equal("queued", (await session.GetExportAsync(id)).Text("status"));

        var claimed = await ClaimAsync(id);
        var running = await session.GetExportAsync(id);
        Assert.Equal("running", running.Text("status"));
        Assert.Equal(app.Clock.GetUtcNow(), running.GetProperty("startedAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, running.GetProperty("downloadUrl").ValueKind);

        app.Clock.Advance(TimeSpan.FromSeconds(3));
        await app.ExportRunner().WriteAsync(claimed);
        var succeeded = await session.GetExportAsync(id);

        Assert.Equal("succeeded", succeeded.Text("status"));
        Assert.Equal(2, succeeded.GetProperty("memoryCount").GetInt32());
        Assert.Equal(1, succeeded.GetProperty("knowledgeCount").GetInt32());
        var completedAt = succeeded.GetProperty("completedAt").GetDateTimeOffset();
        Assert.Equal(app.Clock.GetUtcNow(), completedAt);
        Assert.Equal(completedAt + TimeSpan.FromDays(7), succeeded.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal($"/api/v1/exports/{id}/download", succeeded.Text("downloadUrl"));
        Assert.Equal(JsonValueKind.Null, succeeded.GetProperty("error").ValueKind);
        using var download = await session.DownloadExportAsync(id);
        Assert.Equal(succeeded.GetProperty("sizeBytes").GetInt64(), (await download.Content.ReadAsByteArrayAsync()).Length);
        if (app.Services.GetRequiredService<IExportFileStore>().Storage == ExportStorage.Database)
        {
            // The file is this run's chunks in the database (PostgreSQL), nothing written to the folder.
            Assert.All(await app.ExportChunksAsync(id), c => Assert.Equal(1, c.Attempt));
            Assert.False(Directory.Exists(app.ExportsDirectory));
            return;
        }

        // One finished file for this job, nothing half-written; other tests of the class share the folder.
        var files = Directory.GetFiles(app.ExportsDirectory).Select(Path.GetFileName).ToList();
        Assert.Equal([$"{id:N}.json"], files.Where(f => f!.StartsWith($"{id:N}", StringComparison.Ordinal)));
        Assert.All(files, f => Assert.Matches("^[0-9a-f]{32}\\.(json|ndjson)$", f));
    }

    [Fact]
    public async Task Download_before_the_export_has_succeeded_is_409_saying_its_status()
    {
        var session = await app.NewSessionAsync();
        var id = (await session.StartExportAsync()).Id();

        using var whileQueued = await session.DownloadExportAsync(id);
        var queuedProblem = await ApiAssert.ProblemAsync(whileQueued, HttpStatusCode.Conflict);
        await ClaimAsync(id);
        using var whileRunning = await session.DownloadExportAsync(id);
        var runningProblem = await ApiAssert.ProblemAsync(whileRunning, HttpStatusCode.Conflict);

        Assert.Contains("queued", queuedProblem.Text("detail"), StringComparison.Ordinal);
        Assert.Contains("running", runningProblem.Text("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_owners_export_is_404_to_read_and_to_download_and_never_serves_their_file()
    {
        var owner = await app.NewSessionAsync();
        var stranger = await app.NewSessionAsync();
        await owner.CreateMemoryAsync("the owner's secret recipe");
        var id = (await owner.StartExportAsync()).Id();
        await app.ExportRunner().RunOnceAsync();

        using var get = await stranger.Client.GetAsync($"/api/v1/exports/{id}");
        using var download = await stranger.DownloadExportAsync(id);

        await ApiAssert.ProblemAsync(get, HttpStatusCode.NotFound);
        await ApiAssert.ProblemAsync(download, HttpStatusCode.NotFound);
        Assert.DoesNotContain("secret recipe", await download.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await stranger.ListAsync("/api/v1/exports"));
        using var ownDownload = await owner.DownloadExportAsync(id);
        Assert.Contains("secret recipe", await ownDownload.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_owners_export_in_the_other_environment_is_404()
    {
        var live = await app.NewSessionAsync();
        var test = await app.NewSessionAsync(live.Owner, environment: ApiKeyEnvironment.Test);
        var id = (await live.StartExportAsync()).Id();
        await app.ExportRunner().RunOnceAsync();

        using var get = await test.Client.GetAsync($"/api/v1/exports/{id}");
        using var download = await test.DownloadExportAsync(id);

        await ApiAssert.ProblemAsync(get, HttpStatusCode.NotFound);
        await ApiAssert.ProblemAsync(download, HttpStatusCode.NotFound);
        Assert.Empty(await test.ListAsync("/api/v1/exports"));
        Assert.Equal([id], await live.IdsAsync("/api/v1/exports"));
    }

    [Fact]
    public async Task Unknown_export_id_is_404()
    {
        var session = await app.NewSessionAsync();

        using var get = await session.Client.GetAsync($"/api/v1/exports/{Guid.NewGuid()}");
        using var download = await session.DownloadExportAsync(Guid.NewGuid());

        await ApiAssert.ProblemAsync(get, HttpStatusCode.NotFound);
        await ApiAssert.ProblemAsync(download, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task List_is_paged_newest_first()
    {
        var session = await app.NewSessionAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await session.StartExportAsync()).Id());
            await app.ExportRunner().RunOnceAsync();
        }

        var first = await session.GetJsonAsync("/api/v1/exports?limit=2");
        var cursor = first.Text("nextCursor");
        var second = await session.GetJsonAsync($"/api/v1/exports?limit=2&cursor={cursor}");

        Assert.Equal([ids[2], ids[1]], first.GetProperty("data").EnumerateArray().Select(j => j.Id()));
        Assert.Equal([ids[0]], second.GetProperty("data").EnumerateArray().Select(j => j.Id()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task List_with_a_bad_limit_is_400()
    {
        var session = await app.NewSessionAsync();

        using var response = await session.Client.GetAsync("/api/v1/exports?limit=0");

        await ApiAssert.InvalidFieldAsync(response, "limit");
    }

    [Fact]
    public async Task A_running_job_whose_lease_another_node_still_holds_is_left_alone_by_a_node_that_starts()
    {
        var session = await app.NewSessionAsync();
        var id = (await session.StartExportAsync()).Id();
        await ClaimAsync(id);
        await SetLeaseAsync(id, "another-node", app.Clock.GetUtcNow() + TimeSpan.FromMinutes(1), attempts: 1);

        await StartANodeAsync(session);
        var claimedMeanwhile = await RunAllClaimableAsync();

        Assert.DoesNotContain(id, claimedMeanwhile);
        Assert.Equal("running", (await session.GetExportAsync(id)).Text("status"));
        await SetLeaseAsync(id, "another-node", app.Clock.GetUtcNow(), attempts: ExportRunner.MaxAttempts);
        await app.ExportRunner().FailInterruptedAsync();
    }

    [Fact]
    public async Task A_running_job_whose_lease_ran_out_is_run_again_by_the_next_claim()
    {
        var session = await app.NewSessionAsync();
        var id = (await session.StartExportAsync()).Id();
        var first = await ClaimAsync(id);
        await SetLeaseAsync(id, "a-node-that-died", app.Clock.GetUtcNow(), attempts: 1);

        var again = await ClaimAsync(id);
        await app.ExportRunner().WriteAsync(again);

        Assert.Equal(1, first.Attempts);
        Assert.Equal(2, again.Attempts);
        Assert.Equal(app.Services.GetRequiredService<LeaseNode>().Id, again.LeasedBy);
        Assert.Equal("succeeded", (await session.GetExportAsync(id)).Text("status"));
    }

    [Fact]
    public async Task A_job_whose_lease_ran_out_on_its_last_attempt_is_failed_with_the_reason_by_a_node_that_starts()
    {
        var session = await app.NewSessionAsync();
        var id = (await session.StartExportAsync()).Id();
        await ClaimAsync(id);
        await SetLeaseAsync(id, "a-node-that-died", app.Clock.GetUtcNow(), attempts: ExportRunner.MaxAttempts);

        await StartANodeAsync(session);

        var job = await session.GetExportAsync(id);
        Assert.Equal("failed", job.Text("status"));
        Assert.Equal(ExportRunner.InterruptedError, job.Text("error"));
    }

    // A node starting on this database with the real worker, its clock where this host's is: its
    // start-up round deals with interrupted jobs, then runs the queue oldest first, so once it has
    // written an export queued now, that round has passed every job above. Stopped afterwards.
    private async Task StartANodeAsync(ApiSession session)
    {
        var marker = (await session.StartExportAsync()).Id();
        await using var node = new MemsolusAppFactory(ExportsHosts.Worker with { Provider = app.Provider, Database = app.Database });
        node.Clock.Advance(app.Clock.GetUtcNow() - node.Clock.GetUtcNow());
        _ = node.Server;
        await node.WebhookEvents.WaitForAsync(e => e.EventType == WebhookEventTypes.ExportCompleted && e.Data is ExportDto done && done.Id == marker);
    }

    // Makes the job look as a node (this one or another) left it running.
    private async Task SetLeaseAsync(Guid id, string node, DateTimeOffset until, int attempts)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        await db.ExportJobs.Where(j => j.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeasedBy, node).SetProperty(j => j.LeasedUntil, until).SetProperty(j => j.Attempts, attempts));
    }

    // Runs to the end every job a claim finds now; answers their ids.
    private async Task<List<Guid>> RunAllClaimableAsync()
    {
        var ids = new List<Guid>();
        while (await app.ExportRunner().ClaimNextAsync() is { } claimed)
        {
            ids.Add(claimed.Id);
            await app.ExportRunner().WriteAsync(claimed);
        }

        return ids;
    }

    // Claims the given queued job, first running to the end any that other tests left queued
    // before it (the queue is first come, first served).
    private async Task<ExportJob> ClaimAsync(Guid id)
    {
        while (await app.ExportRunner().ClaimNextAsync() is { } claimed)
        {
            if (claimed.Id == id)
            {
                return claimed;
            }

            await app.ExportRunner().WriteAsync(claimed);
        }

        Assert.Fail($"Export {id} was not queued.");
        return null!;
    }

    public sealed class OnSqlite(AppFixture<OnSqlite> fixture) : ExportJobApiTests(fixture.App), IClassFixture<AppFixture<OnSqlite>>, ITestHost
    {
        public static TestHostOptions Options => ExportsHosts.Manual;
    }

    public sealed class OnPostgres(AppFixture<OnPostgres> fixture) : ExportJobApiTests(fixture.App), IClassFixture<AppFixture<OnPostgres>>, ITestHost
    {
        public static TestHostOptions Options => ExportsHosts.Manual.OnPostgres();
    }
}
