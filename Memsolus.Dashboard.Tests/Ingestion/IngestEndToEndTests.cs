using System.Text.Json;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Ingestion;
using Memsolus.Dashboard.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Memsolus.Dashboard.Tests.Ingestion;

// Files and a URL go in through the API, the real worker imports them, and the entries come out
// through /knowledge and /memories, for the submitting owner and environment only.
public abstract class IngestEndToEndTests(MemsolusAppFactory app)
{
    [Fact]
    public async Task Uploaded_markdown_text_and_jsonl_become_knowledge_and_memories_of_that_owner_and_environment_only()
    {
        var session = await app.NewSessionAsync(environment: ApiKeyEnvironment.Live);
        var sameOwnerTestKey = await app.NewSessionAsync(session.Owner, environment: ApiKeyEnvironment.Test);
        var otherOwner = await app.NewSessionAsync();

        using var response = await session.UploadAsync(
            ("guide.md", "# Getting started\n\nInstall the agent, then add a key.\n"),
            ("meeting notes.txt", "Decided to ship on Friday."),
            ("facts.jsonl", "{\"content\":\"Prefers tea\",\"tags\":[\"drinks\"]}\n{\"content\":\"Lives in Lisbon\"}\n"));
        var job = await session.FinishedJobAsync(app, response);

        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal("files", job.GetProperty("kind").GetString());
        Assert.Equal((4, 4, 0, 2, 2), (IngestClient.Count(job, "items"), IngestClient.Count(job, "succeeded"), IngestClient.Count(job, "failed"),
            IngestClient.Count(job, "knowledgeCreated"), IngestClient.Count(job, "memoriesCreated")));
        Assert.Empty(IngestClient.Errors(job));

        var knowledge = await session.ListAsync("/api/v1/knowledge");
        Assert.Equal(
            [("meeting notes", "Decided to ship on Friday.", "meeting notes.txt"), ("Getting started", "# Getting started\n\nInstall the agent, then add a key.", "guide.md")],
            knowledge.Select(k => (k.GetProperty("title").GetString(), k.GetProperty("content").GetString(), k.GetProperty("source").GetString())));
        var memories = await session.ListAsync("/api/v1/memories");
        Assert.Equal(
            [("Lives in Lisbon", ""), ("Prefers tea", "drinks")],
            memories.Select(m => (m.GetProperty("content").GetString(), string.Join(",", m.GetProperty("tags").EnumerateArray().Select(t => t.GetString())))));

        Assert.Empty(await sameOwnerTestKey.ListAsync("/api/v1/knowledge"));
        Assert.Empty(await sameOwnerTestKey.ListAsync("/api/v1/memories"));
        Assert.Empty(await otherOwner.ListAsync("/api/v1/knowledge"));
        Assert.Empty(await otherOwner.ListAsync("/api/v1/memories"));
        Assert.DoesNotContain(app.Logs.Lines(), line => line.StartsWith("Error Memsolus.Dashboard.Ingestion", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Url_served_by_a_loopback_server_becomes_a_knowledge_entry_titled_by_the_page()
    {
        await using var server = await LoopbackServer.StartAsync(web => web.MapGet("/docs/refunds", () => Results.Content(
            """
            <!DOCTYPE html>
            <html><head><title>Refund policy &amp; returns</title>
            <style>body { color: red; }</style>
            <script>var secret = "do not import";</script></head>
            <body><h1>Refunds</h1><p>Refunds within <b>30</b>&nbsp;days.</p>
            <noscript>Enable JavaScript</noscript><p>Contact   us.</p></body></html>
            """,
            "text/html; charset=utf-8")));
        var session = await app.NewSessionAsync(environment: ApiKeyEnvironment.Test);
        var url = server.Url("/docs/refunds").AbsoluteUri;

        using var response = await session.SubmitUrlAsync(url);
        var job = await session.FinishedJobAsync(app, response);

        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal("url", job.GetProperty("kind").GetString());
        Assert.Equal(url, job.GetProperty("url").GetString());
        Assert.Equal((1, 1, 1), (IngestClient.Count(job, "items"), IngestClient.Count(job, "succeeded"), IngestClient.Count(job, "knowledgeCreated")));
        var entry = Assert.Single(await session.ListAsync("/api/v1/knowledge"));
        Assert.Equal("Refund policy & returns", entry.GetProperty("title").GetString());
        Assert.Equal("Refunds\nRefunds within 30 days.\nContact us.", entry.GetProperty("content").GetString());
        Assert.Equal(url, entry.GetProperty("source").GetString());
        Assert.Empty(await (await app.NewSessionAsync(session.Owner, environment: ApiKeyEnvironment.Live)).ListAsync("/api/v1/knowledge"));
    }

    [Fact]
    public async Task Url_which_may_hold_a_token_in_its_path_or_query_never_reaches_the_logs()
    {
        await using var server = await LoopbackServer.StartAsync(web => web.MapGet("/private", () => Results.Text("shared doc", "text/plain")));
        var session = await app.NewSessionAsync();

        using var response = await session.SubmitUrlAsync(server.Url("/private?token=s3cr3t-t0ken").AbsoluteUri);
        var job = await session.FinishedJobAsync(app, response);

        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        // Not even the path: the outbound clients do not log requests at all.
        Assert.DoesNotContain(app.Logs.Lines(), line => line.Contains("s3cr3t-t0ken", StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs.Lines(), line => line.Contains("/private", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Markdown_url_is_titled_by_its_first_heading_and_kept_as_written()
    {
        await using var server = await LoopbackServer.StartAsync(web => web.MapGet("/notes.md", () => Results.Text("Intro line\n\n## Release notes\n\n- Fixed <b>bugs</b>", "text/markdown")));
        var session = await app.NewSessionAsync();

        using var response = await session.SubmitUrlAsync(server.Url("/notes.md").AbsoluteUri);
        var job = await session.FinishedJobAsync(app, response);

        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        var entry = Assert.Single(await session.ListAsync("/api/v1/knowledge"));
        Assert.Equal("Release notes", entry.GetProperty("title").GetString());
        Assert.Equal("Intro line\n\n## Release notes\n\n- Fixed <b>bugs</b>", entry.GetProperty("content").GetString());
    }

    [Fact]
    public async Task Completion_is_announced_as_ingest_completed_with_the_job_for_its_owner_and_environment()
    {
        var session = await app.NewSessionAsync(environment: ApiKeyEnvironment.Test);

        using var response = await session.UploadAsync(("a.md", "# A\nbody"));
        var job = await session.FinishedJobAsync(app, response);

        var id = job.GetProperty("id").GetGuid();
        var published = Assert.Single(app.WebhookEvents.Events, e => e.Data is IngestJobDto dto && dto.Id == id);
        Assert.Equal((session.Owner.UserId, ApiKeyEnvironment.Test, WebhookEventTypes.IngestCompleted), (published.OwnerId, published.Environment, published.EventType));
        // The event carries the job exactly as the API shows it.
        Assert.Equal(job.GetRawText(), JsonSerializer.Serialize(published.Data, JsonSerializerOptions.Web));
    }

    [Fact]
    public async Task Jsonl_longer_than_one_write_becomes_every_memory_in_line_order_each_announced_once()
    {
        var session = await app.NewSessionAsync(environment: ApiKeyEnvironment.Live);
        var lines = IngestRunner.MemoryBatchSize * 2 + 1;
        var badLine = IngestRunner.MemoryBatchSize + 3;
        // Two files, as the test host takes at most 16 KiB a file: the first longer than one write.
        var split = IngestRunner.MemoryBatchSize + 10;
        string Text(int from, int to) => string.Concat(Enumerable.Range(from, to - from + 1).Select(i => i == badLine ? "not json\n" : $"{{\"content\":\"line {i}\"}}\n"));

        using var response = await session.UploadAsync(("a.jsonl", Text(1, split)), ("b.jsonl", Text(split + 1, lines)));
        var job = await session.FinishedJobAsync(app, response);

        Assert.Equal("partial", job.GetProperty("status").GetString());
        Assert.Equal((lines, lines - 1, 1, lines - 1), (IngestClient.Count(job, "items"), IngestClient.Count(job, "succeeded"), IngestClient.Count(job, "failed"), IngestClient.Count(job, "memoriesCreated")));
        Assert.Equal(badLine, Assert.Single(IngestClient.Errors(job)).Line);
        var announced = app.WebhookEvents.Events
            .Where(e => e.OwnerId == session.Owner.UserId && e.EventType == WebhookEventTypes.MemoryCreated)
            .Select(e => JsonSerializer.SerializeToElement(e.Data, JsonSerializerOptions.Web).GetProperty("content").GetString())
            .ToList();
        Assert.Equal(Enumerable.Range(1, lines).Where(i => i != badLine).Select(i => $"line {i}"), announced);
    }

    public sealed class OnSqlite(AppFixture<OnSqlite> fixture) : IngestEndToEndTests(fixture.App), IClassFixture<AppFixture<OnSqlite>>, ITestHost
    {
        public static TestHostOptions Options => IngestHosts.Worker;
    }

    public sealed class OnPostgres(AppFixture<OnPostgres> fixture) : IngestEndToEndTests(fixture.App), IClassFixture<AppFixture<OnPostgres>>, ITestHost
    {
        public static TestHostOptions Options => IngestHosts.Worker.OnPostgres();
    }
}
