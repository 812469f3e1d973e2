using System.Text.Json;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Exports;
using Memsolus.Dashboard.Ingestion;
using Memsolus.Dashboard.Tests.Exports;
using Memsolus.Dashboard.Tests.Ingestion;
using Memsolus.Dashboard.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Webhooks;

// The events the background workers publish, from the API call that starts the work to the signed
// POST a customer's endpoint receives: an import's memory.created and knowledge.created (one per
// entry, the memories queued a batch at a time), ingest.completed and export.completed, each
// through the real ingestion, export and webhook workers, and only to webhooks of the owner and
// environment the work was done for. Nothing records the events on the way: the receiver on
// 127.0.0.1 is the only witness. The clock is fake, so every event of a test has one timestamp and
// the dispatcher sends them in the order they were queued.
public abstract class WebhookEventsEndToEndTests(MemsolusAppFactory app)
{
    private static readonly TestHostOptions Host = new() { FakeClock = true, AllowPrivateNetworks = true };

    private WebhookDeliveryRunner Runner => app.Services.GetRequiredService<WebhookDeliveryRunner>();

    [Fact]
    public async Task Jsonl_import_longer_than_one_write_sends_one_signed_memory_created_per_stored_memory_then_ingest_completed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var session = await app.NewSessionAsync();
        var webhook = await session.CreateWebhookAsync(receiver.UrlOf("/hooks/import"), ["memory.created", "ingest.completed"]);
        var secret = webhook.GetProperty("secret").GetString()!;
        // Two writes of the store, so two PublishManyAsync calls.
        var lines = IngestRunner.MemoryBatchSize + 2;
        var jsonl = string.Concat(Enumerable.Range(1, lines).Select(i => $"{{\"content\":\"imported {i}\",\"tags\":[\"batch\"]}}\n"));

        using var response = await session.UploadAsync(("facts.jsonl", jsonl));
        var jobId = await IngestClient.AcceptedJobIdAsync(response);
        var completed = await ReceiveIngestCompletedAsync(receiver, jobId);
        await Runner.RunOnceAsync();

        var job = await session.GetJsonAsync($"/api/v1/ingest/jobs/{jobId}");
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal(lines, IngestClient.Count(job, "memoriesCreated"));
        Assert.Equal(job.GetRawText(), completed.Json().GetProperty("data").GetRawText());

        var created = receiver.Requests.Where(r => Type(r) == "memory.created").ToList();
        Assert.Equal(lines, created.Count);
        Assert.All(created, r => Assert.True(WebhookTestApi.SignatureIsValid(r, secret, out _), $"Bad signature {r.Signature}"));
        Assert.All(created, r => Assert.Equal("live", r.Json().GetProperty("environment").GetString()));
        Assert.Equal(lines, created.Select(r => r.Json().GetProperty("id").GetGuid()).Distinct().Count());
        var stored = await AllAsync(session, "/api/v1/memories");
        Assert.Equal(Enumerable.Range(1, lines).Select(i => $"imported {i}").Order(), stored.Select(m => m.GetProperty("content").GetString()!).Order());
        // Each body's data is the memory exactly as the API serves it: id, content, tags, metadata, times.
        Assert.Equal(ById(stored), ById(created.Select(r => r.Json().GetProperty("data"))));
        Assert.Equal(lines + 1, receiver.Requests.Count);
    }

    [Fact]
    public async Task Markdown_and_text_import_sends_one_signed_knowledge_created_per_stored_entry_then_ingest_completed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var session = await app.NewSessionAsync();
        var webhook = await session.CreateWebhookAsync(receiver.UrlOf("/hooks/docs"), ["knowledge.created", "ingest.completed"]);
        var secret = webhook.GetProperty("secret").GetString()!;

        using var response = await session.UploadAsync(
            ("guide.md", "# Getting started\n\nInstall the agent, then add a key.\n"),
            ("meeting notes.txt", "Decided to ship on Friday."));
        var jobId = await IngestClient.AcceptedJobIdAsync(response);
        var completed = await ReceiveIngestCompletedAsync(receiver, jobId);
        await Runner.RunOnceAsync();

        var job = await session.GetJsonAsync($"/api/v1/ingest/jobs/{jobId}");
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal(2, IngestClient.Count(job, "knowledgeCreated"));
        Assert.Equal(job.GetRawText(), completed.Json().GetProperty("data").GetRawText());

        var created = receiver.Requests.Where(r => Type(r) == "knowledge.created").ToList();
        Assert.Equal(2, created.Count);
        Assert.All(created, r => Assert.True(WebhookTestApi.SignatureIsValid(r, secret, out _), $"Bad signature {r.Signature}"));
        Assert.Equal(2, created.Select(r => r.Json().GetProperty("id").GetGuid()).Distinct().Count());
        var stored = await AllAsync(session, "/api/v1/knowledge");
        Assert.Equal(["Getting started", "meeting notes"], stored.Select(k => k.GetProperty("title").GetString()!).Order());
        Assert.Equal(ById(stored), ById(created.Select(r => r.Json().GetProperty("data"))));
        Assert.Equal(3, receiver.Requests.Count);
    }

    // The job fails (no line could be imported) and is announced all the same: ingest.completed is
    // sent whatever the status (docs/api.md); there is no ingest.failed.
    [Fact]
    public async Task Failed_import_sends_ingest_completed_with_the_failed_job_as_get_shows_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var session = await app.NewSessionAsync(environment: ApiKeyEnvironment.Test);
        var webhook = await session.CreateWebhookAsync(receiver.UrlOf("/hooks/failed"), WebhookTestApi.AllEvents);

        using var response = await session.UploadAsync(("broken.jsonl", "not json\n{\"tags\":[\"no content\"]}\n"));
        var jobId = await IngestClient.AcceptedJobIdAsync(response);
        var completed = await ReceiveIngestCompletedAsync(receiver, jobId);
        await Runner.RunOnceAsync();

        var job = await session.GetJsonAsync($"/api/v1/ingest/jobs/{jobId}");
        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.Equal((2, 0, 2, 0), (IngestClient.Count(job, "items"), IngestClient.Count(job, "succeeded"), IngestClient.Count(job, "failed"), IngestClient.Count(job, "memoriesCreated")));
        Assert.True(WebhookTestApi.SignatureIsValid(completed, webhook.GetProperty("secret").GetString()!, out _), $"Bad signature {completed.Signature}");
        var payload = completed.Json();
        Assert.Equal("test", payload.GetProperty("environment").GetString());
        Assert.Equal(job.GetRawText(), payload.GetProperty("data").GetRawText());
        Assert.Same(completed, Assert.Single(receiver.Requests));
    }

    [Fact]
    public async Task Finished_export_sends_export_completed_with_the_export_as_get_shows_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var session = await app.NewSessionAsync();
        var webhook = await session.CreateWebhookAsync(receiver.UrlOf("/hooks/exports"), ["export.completed"]);
        await session.CreateMemoryAsync("exported one");
        await session.CreateMemoryAsync("exported two");
        await session.CreateKnowledgeAsync("Runbook", "exported three");

        var id = (await session.StartExportAsync()).Id();
        // The only event this webhook takes, so the first request is the export's.
        var completed = await receiver.NextAsync();
        await Runner.RunOnceAsync();

        var export = await session.GetExportAsync(id);
        Assert.Equal("succeeded", export.Text("status"));
        Assert.Equal((2, 1), (export.GetProperty("memoryCount").GetInt32(), export.GetProperty("knowledgeCount").GetInt32()));
        Assert.True(WebhookTestApi.SignatureIsValid(completed, webhook.GetProperty("secret").GetString()!, out _), $"Bad signature {completed.Signature}");
        var payload = completed.Json();
        Assert.Equal("export.completed", payload.GetProperty("type").GetString());
        Assert.Equal(export.GetRawText(), payload.GetProperty("data").GetRawText());
        Assert.Same(completed, Assert.Single(receiver.Requests));
    }

    // export.completed is sent only when the export succeeded (docs/api.md), and there is no
    // export.failed. The next export, which succeeds, shows the channel works: its event is the
    // only one. On a host of its own: a file where its exports folder should be fails the export
    // (Directory storage on either provider), and its export worker is stopped so the test runs
    // each export itself.
    [Fact]
    public async Task Failed_export_sends_nothing_and_the_next_export_that_succeeds_is_the_only_export_completed()
    {
        await using var host = new MemsolusAppFactory((Host with { Provider = app.Provider, StoppedWorkers = [typeof(ExportWorker)] })
            .With(new Dictionary<string, string?> { ["Exports:Storage"] = "Directory" }));
        await using var receiver = await WebhookReceiver.StartAsync();
        var session = await host.NewSessionAsync();
        await session.CreateWebhookAsync(receiver.UrlOf("/hooks/exports"), ["export.completed"]);
        await session.CreateMemoryAsync("kept safe");
        File.WriteAllText(host.ExportsDirectory, "in the way");

        var failed = (await session.StartExportAsync()).Id();
        await host.ExportRunner().RunOnceAsync();
        await host.Services.GetRequiredService<WebhookDeliveryRunner>().RunOnceAsync();
        Assert.Equal("failed", (await session.GetExportAsync(failed)).Text("status"));

        File.Delete(host.ExportsDirectory);
        var succeeded = (await session.StartExportAsync()).Id();
        await host.ExportRunner().RunOnceAsync();
        await host.Services.GetRequiredService<WebhookDeliveryRunner>().RunOnceAsync();

        var export = await session.GetExportAsync(succeeded);
        Assert.Equal("succeeded", export.Text("status"));
        var only = Assert.Single(receiver.Requests).Json();
        Assert.Equal("export.completed", only.GetProperty("type").GetString());
        Assert.Equal(export.GetRawText(), only.GetProperty("data").GetRawText());
    }

    // Three webhooks on one receiver, each subscribed to every event: one account's live and test
    // environments, and another account's live environment. Each of them imports; every webhook
    // gets exactly its own owner's and environment's events, and nothing of the others'.
    [Fact]
    public async Task Import_events_reach_only_the_webhooks_of_the_importing_owner_and_environment()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var live = await app.NewSessionAsync();
        var test = await app.NewSessionAsync(live.Owner, environment: ApiKeyEnvironment.Test);
        var stranger = await app.NewSessionAsync();
        await live.CreateWebhookAsync(receiver.UrlOf("/live"), WebhookTestApi.AllEvents);
        await test.CreateWebhookAsync(receiver.UrlOf("/test"), WebhookTestApi.AllEvents);
        await stranger.CreateWebhookAsync(receiver.UrlOf("/stranger"), WebhookTestApi.AllEvents);

        Guid[] jobs =
        [
            await ImportAsync(live, ("live.jsonl", "{\"content\":\"live one\"}\n{\"content\":\"live two\"}\n"), ("live.md", "# Live\nlive doc")),
            await ImportAsync(test, ("test.jsonl", "{\"content\":\"test one\"}\n")),
            await ImportAsync(stranger, ("stranger.jsonl", "{\"content\":\"stranger one\"}\n"), ("stranger.md", "# Stranger\nstranger doc")),
        ];
        var pending = jobs.ToHashSet();
        while (pending.Count > 0)
        {
            var request = await receiver.NextAsync();
            if (Type(request) == "ingest.completed")
            {
                pending.Remove(request.Json().GetProperty("data").Id());
            }
        }

        await Runner.RunOnceAsync();

        await AssertReceivedOnlyItsOwnAsync(receiver, "/live", live, jobs[0]);
        await AssertReceivedOnlyItsOwnAsync(receiver, "/test", test, jobs[1]);
        await AssertReceivedOnlyItsOwnAsync(receiver, "/stranger", stranger, jobs[2]);
    }

    private static async Task<Guid> ImportAsync(ApiSession session, params (string Name, string Text)[] files)
    {
        using var response = await session.UploadAsync(files);
        return await IngestClient.AcceptedJobIdAsync(response);
    }

    // What the webhook at `path` got is exactly one event per memory and knowledge entry the
    // session's owner and environment hold, and that job's ingest.completed.
    private static async Task AssertReceivedOnlyItsOwnAsync(WebhookReceiver receiver, string path, ApiSession session, Guid job)
    {
        var received = receiver.RequestsTo(path).Select(r => r.Json()).ToList();
        var memories = await AllAsync(session, "/api/v1/memories");
        var knowledge = await AllAsync(session, "/api/v1/knowledge");
        Assert.NotEmpty(memories);
        Assert.Equal(ById(memories), ById(Data(received, "memory.created")));
        Assert.Equal(ById(knowledge), ById(Data(received, "knowledge.created")));
        Assert.Equal(job, Assert.Single(Data(received, "ingest.completed")).Id());
        Assert.Equal(memories.Count + knowledge.Count + 1, received.Count);
    }

    // Takes what the receiver gets until the job's ingest.completed arrives. The runner publishes
    // it after every entry's event, and the dispatcher sends in queued order a batch at a time, so
    // once it is here the rest has arrived or is in the batch a following RunOnceAsync waits for.
    private static async Task<ReceivedWebhook> ReceiveIngestCompletedAsync(WebhookReceiver receiver, Guid jobId)
    {
        // Ends: NextAsync throws when nothing more arrives within its bound.
        while (true)
        {
            var request = await receiver.NextAsync();
            if (Type(request) == "ingest.completed" && request.Json().GetProperty("data").Id() == jobId)
            {
                return request;
            }
        }
    }

    private static string? Type(ReceivedWebhook request) => request.Json().GetProperty("type").GetString();

    private static IEnumerable<JsonElement> Data(IEnumerable<JsonElement> payloads, string type) =>
        payloads.Where(p => p.GetProperty("type").GetString() == type).Select(p => p.GetProperty("data"));

    // Each resource's JSON text, ordered by id, so two lists compare as sets of exact bodies.
    private static List<string> ById(IEnumerable<JsonElement> resources) =>
        resources.OrderBy(r => r.Id()).Select(r => r.GetRawText()).ToList();

    // Every page of a list endpoint.
    private static async Task<List<JsonElement>> AllAsync(ApiSession session, string path)
    {
        var all = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await session.GetJsonAsync(cursor is null ? $"{path}?limit=100" : $"{path}?limit=100&cursor={Uri.EscapeDataString(cursor)}");
            all.AddRange(page.GetProperty("data").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        return all;
    }

    public sealed class OnSqlite(AppFixture<OnSqlite> fixture) : WebhookEventsEndToEndTests(fixture.App), IClassFixture<AppFixture<OnSqlite>>, ITestHost
    {
        public static TestHostOptions Options => Host;
    }

    public sealed class OnPostgres(AppFixture<OnPostgres> fixture) : WebhookEventsEndToEndTests(fixture.App), IClassFixture<AppFixture<OnPostgres>>, ITestHost
    {
        public static TestHostOptions Options => Host.OnPostgres();
    }
}
