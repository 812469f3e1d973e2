using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Exports;
using Memsolus.Dashboard.Memories;
using Memsolus.Dashboard.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Exports;

// Export, then download and compare, end to end through the API with the real background worker.
public abstract class ExportRoundTripTests(MemsolusAppFactory app)
{
    [Fact]
    public async Task Json_export_downloads_every_memory_and_knowledge_entry_exactly_as_the_api_shows_them()
    {
        var session = await app.NewSessionAsync();
        var memoryIds = new List<Guid>
        {
            (await session.CreateMemoryAsync("Prefers tea — not coffee ☕", ["drinks", "morning"], new { strength = 3, nested = new { quiet = true } })).Id(),
            (await session.CreateMemoryAsync("Lives in Zürich")).Id(),
            (await session.CreateMemoryAsync("Quotes \"exactly\" and <tags> & such", ["quoting"])).Id(),
        };
        var knowledgeIds = new List<Guid>
        {
            (await session.CreateKnowledgeAsync("Onboarding", "Step one: say hello.", "https://example.com/onboarding")).Id(),
            (await session.CreateKnowledgeAsync("Glossary", "Memsolus: memory for agents.")).Id(),
        };

        var queued = await session.StartExportAsync(new { format = "json", include = new[] { "memories", "knowledge" } });
        var done = await session.WaitForExportAsync(app, queued.Id());
        using var download = await session.DownloadExportAsync(queued.Id());

        await ApiAssert.StatusAsync(download, HttpStatusCode.OK);
        Assert.Equal("application/json", download.Content.Headers.ContentType?.MediaType);
        var disposition = download.Content.Headers.ContentDisposition;
        Assert.Equal("attachment", disposition?.DispositionType);
        Assert.Equal("memsolus-export-live-20260310-0930.json", disposition?.FileName);
        Assert.Equal("memsolus-export-live-20260310-0930.json", disposition?.FileNameStar);
        var bytes = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal("succeeded", done.Text("status"));
        Assert.Equal(3, done.GetProperty("memoryCount").GetInt32());
        Assert.Equal(2, done.GetProperty("knowledgeCount").GetInt32());
        Assert.Equal(bytes.Length, done.GetProperty("sizeBytes").GetInt64());

        var document = JsonDocument.Parse(bytes).RootElement;
        Assert.Equal(["memories", "knowledge"], document.EnumerateObject().Select(p => p.Name));
        await AssertSameAsApiAsync(session, "memories", memoryIds, document.GetProperty("memories").EnumerateArray().ToList());
        await AssertSameAsApiAsync(session, "knowledge", knowledgeIds, document.GetProperty("knowledge").EnumerateArray().ToList());
    }

    [Fact]
    public async Task Ndjson_export_has_one_line_per_item_with_its_type_and_the_api_fields()
    {
        var session = await app.NewSessionAsync(environment: ApiKeyEnvironment.Test);
        var memoryIds = new List<Guid>
        {
            (await session.CreateMemoryAsync("first line\nsecond line", ["multi-line"])).Id(),
            (await session.CreateMemoryAsync("another")).Id(),
        };
        var knowledgeId = (await session.CreateKnowledgeAsync("Runbook", "Restart, then check.")).Id();

        var queued = await session.StartExportAsync(new { format = "ndjson" });
        var done = await session.WaitForExportAsync(app, queued.Id());
        using var download = await session.DownloadExportAsync(queued.Id());

        // Not ApiAssert.StatusAsync: the body is many JSON documents, not one.
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/x-ndjson", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("memsolus-export-test-20260310-0930.ndjson", download.Content.Headers.ContentDisposition?.FileName);
        var text = await download.Content.ReadAsStringAsync();
        Assert.Equal(Encoding.UTF8.GetByteCount(text), done.GetProperty("sizeBytes").GetInt64());
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var lines = text.TrimEnd('\n').Split('\n').Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
        Assert.Equal(["memory", "memory", "knowledge"], lines.Select(l => (string?)l["type"]));
        var items = lines.Select(line =>
        {
            line.Remove("type");
            return JsonSerializer.SerializeToElement(line);
        }).ToList();
        await AssertSameAsApiAsync(session, "memories", memoryIds, items[..2]);
        await AssertSameAsApiAsync(session, "knowledge", [knowledgeId], items[2..]);
    }

    [Fact]
    public async Task Export_of_knowledge_only_holds_no_memories_and_counts_none()
    {
        var session = await app.NewSessionAsync();
        await session.CreateMemoryAsync("not exported");
        var knowledgeId = (await session.CreateKnowledgeAsync("Only this", "is exported")).Id();

        var queued = await session.StartExportAsync(new { include = new[] { "knowledge" } });
        var done = await session.WaitForExportAsync(app, queued.Id());
        using var download = await session.DownloadExportAsync(queued.Id());

        var document = await ApiAssert.JsonAsync(download);
        Assert.Equal(["knowledge"], document.EnumerateObject().Select(p => p.Name));
        Assert.Equal([knowledgeId], document.GetProperty("knowledge").EnumerateArray().Select(k => k.Id()));
        Assert.Equal(["knowledge"], done.GetProperty("include").EnumerateArray().Select(i => i.GetString()));
        Assert.Equal(JsonValueKind.Null, done.GetProperty("memoryCount").ValueKind);
        Assert.Equal(1, done.GetProperty("knowledgeCount").GetInt32());
    }

    [Fact]
    public async Task Export_of_an_empty_account_is_a_document_with_empty_lists()
    {
        var session = await app.NewSessionAsync();

        var queued = await session.StartExportAsync();
        var done = await session.WaitForExportAsync(app, queued.Id());
        using var download = await session.DownloadExportAsync(queued.Id());

        Assert.Equal("""{"memories":[],"knowledge":[]}""", await download.Content.ReadAsStringAsync());
        Assert.Equal(0, done.GetProperty("memoryCount").GetInt32());
        Assert.Equal(0, done.GetProperty("knowledgeCount").GetInt32());
        Assert.Equal(30, done.GetProperty("sizeBytes").GetInt64());
    }

    [Fact]
    public async Task Export_holds_only_the_calling_keys_owner_and_environment()
    {
        var live = await app.NewSessionAsync();
        var test = await app.NewSessionAsync(live.Owner, environment: ApiKeyEnvironment.Test);
        var stranger = await app.NewSessionAsync();
        var liveMemory = (await live.CreateMemoryAsync("live data")).Id();
        var testMemory = (await test.CreateMemoryAsync("test data")).Id();
        await stranger.CreateMemoryAsync("someone else's data");
        await stranger.CreateKnowledgeAsync("someone else's", "knowledge");

        var liveExport = await live.StartExportAsync();
        var testExport = await test.StartExportAsync();
        await live.WaitForExportAsync(app, liveExport.Id());
        await test.WaitForExportAsync(app, testExport.Id());
        using var liveDownload = await live.DownloadExportAsync(liveExport.Id());
        using var testDownload = await test.DownloadExportAsync(testExport.Id());

        var liveDocument = await ApiAssert.JsonAsync(liveDownload);
        var testDocument = await ApiAssert.JsonAsync(testDownload);
        Assert.Equal([liveMemory], liveDocument.GetProperty("memories").EnumerateArray().Select(m => m.Id()));
        Assert.Equal([testMemory], testDocument.GetProperty("memories").EnumerateArray().Select(m => m.Id()));
        Assert.Empty(liveDocument.GetProperty("knowledge").EnumerateArray());
        Assert.Empty(testDocument.GetProperty("knowledge").EnumerateArray());
    }

    [Fact]
    public async Task Export_larger_than_a_page_of_rows_holds_every_row_once_in_order()
    {
        var session = await app.NewSessionAsync();
        var count = ExportContentWriter.PageSize * 2 + 1;
        var ids = await SeedMemoriesAsync(session, count);

        var queued = await session.StartExportAsync(new { format = "ndjson", include = new[] { "memories" } });
        var done = await session.WaitForExportAsync(app, queued.Id());
        using var download = await session.DownloadExportAsync(queued.Id());

        var lines = (await download.Content.ReadAsStringAsync()).TrimEnd('\n').Split('\n');
        Assert.Equal(count, done.GetProperty("memoryCount").GetInt32());
        Assert.Equal(ids, lines.Select(line => JsonDocument.Parse(line).RootElement.Id()));
    }

    [Fact]
    public async Task Completed_export_is_published_as_export_completed_with_the_job_for_its_owner_and_environment()
    {
        var session = await app.NewSessionAsync(environment: ApiKeyEnvironment.Test);
        await session.CreateMemoryAsync("announced");

        var queued = await session.StartExportAsync();
        var done = await session.WaitForExportAsync(app, queued.Id());

        var published = Assert.Single(app.WebhookEvents.Events, e => e.Data is ExportDto job && job.Id == queued.Id());
        Assert.Equal(WebhookEventTypes.ExportCompleted, published.EventType);
        Assert.Equal(session.Owner.UserId, published.OwnerId);
        Assert.Equal(ApiKeyEnvironment.Test, published.Environment);
        var data = JsonSerializer.SerializeToElement(published.Data, ApiSession.Json);
        Assert.Equal("succeeded", data.Text("status"));
        Assert.Equal(1, data.GetProperty("memoryCount").GetInt32());
        Assert.Equal(done.GetProperty("downloadUrl").GetString(), data.Text("downloadUrl"));
    }

    // Each exported item is the very JSON that GET /{resource}/{id} answers, in creation order.
    private static async Task AssertSameAsApiAsync(ApiSession session, string resource, IReadOnlyList<Guid> ids, IReadOnlyList<JsonElement> exported)
    {
        Assert.Equal(ids, exported.Select(e => e.Id()));
        foreach (var (id, item) in ids.Zip(exported))
        {
            var fromApi = await session.GetJsonAsync($"/api/v1/{resource}/{id}");
            Assert.True(JsonElement.DeepEquals(fromApi, item), $"Exported {item} differs from the API's {fromApi}");
        }
    }

    // Many rows at once, straight into the database: the API would take a request each.
    private async Task<List<Guid>> SeedMemoriesAsync(ApiSession session, int count)
    {
        var now = app.Clock.GetUtcNow();
        var memories = Enumerable.Range(1, count).Select(i => new Memory
        {
            Id = Guid.NewGuid(),
            OwnerId = session.Owner.UserId,
            Environment = ApiKeyEnvironment.Live,
            Content = $"memory {i}",
            SearchText = $"memory {i}",
            CreatedAt = now,
            UpdatedAt = now,
        }).ToList();
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        db.Memories.AddRange(memories);
        await db.SaveChangesAsync();
        return memories.Select(m => m.Id).ToList();
    }

    public sealed class OnSqlite(AppFixture<OnSqlite> fixture) : ExportRoundTripTests(fixture.App), IClassFixture<AppFixture<OnSqlite>>, ITestHost
    {
        public static TestHostOptions Options => ExportsHosts.Worker;
    }

    public sealed class OnPostgres(AppFixture<OnPostgres> fixture) : ExportRoundTripTests(fixture.App), IClassFixture<AppFixture<OnPostgres>>, ITestHost
    {
        public static TestHostOptions Options => ExportsHosts.Worker.OnPostgres();
    }
}
