using System.Text.Json;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Knowledge;
using Memsolus.Dashboard.Memories;
using Memsolus.Dashboard.Tests.Api;
using Memsolus.Dashboard.Tests.Exports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Memories;

// Rows stored before the input rules (docs/api.md, "Rows stored before these rules"), written here
// past the API with raw SQL: every read still answers, serving such a row repaired with its
// "unreadable" fields named, and the start-up repair rewrites them once and then finds nothing.
public abstract class UnreadableRowTests(MemsolusAppFactory app)
{
    private const string LoneSurrogateMetadata = """{"\ud800":"\udfff","n":"a\u0000b","pair":"\ud83d\ude00"}""";

    [Fact]
    public async Task Memories_with_unservable_metadata_are_listed_searched_got_and_exported_repaired_and_flagged_then_repaired_at_start()
    {
        var session = await app.NewSessionAsync();
        var good = await session.CreateMemoryAsync("poisoned but fine", ["t"], new { kept = true });
        var surrogates = await session.CreateMemoryAsync("poisoned surrogates");
        var deep = await session.CreateMemoryAsync("poisoned depth");
        await SetAsync("Memories", "Metadata", LoneSurrogateMetadata, "Content", "poisoned surrogates");
        await SetAsync("Memories", "Metadata", UnstorableInputTests.Nested(63), "Content", "poisoned depth");

        foreach (var path in new[] { "/api/v1/memories", "/api/v1/memories/search?q=poisoned" })
        {
            var rows = await session.ListAsync(path);
            Assert.Equal(3, rows.Count);
            Assert.False(rows.Single(r => r.GetProperty("id").GetGuid() == good.GetProperty("id").GetGuid()).TryGetProperty("unreadable", out _));
            AssertRepairedSurrogates(rows.Single(r => r.GetProperty("id").GetGuid() == surrogates.GetProperty("id").GetGuid()));
            AssertRepairedDepth(rows.Single(r => r.GetProperty("id").GetGuid() == deep.GetProperty("id").GetGuid()));
        }

        AssertRepairedSurrogates(await session.GetJsonAsync($"/api/v1/memories/{surrogates.GetProperty("id").GetGuid()}"));
        AssertRepairedDepth(await session.GetJsonAsync($"/api/v1/memories/{deep.GetProperty("id").GetGuid()}"));
        Assert.Equal(good.GetRawText(), (await session.GetJsonAsync($"/api/v1/memories/{good.GetProperty("id").GetGuid()}")).GetRawText());
        foreach (var format in new[] { "json", "ndjson" })
        {
            var export = await ExportAsync(session, format);
            var memories = format == "json" ? export.GetProperty("memories").EnumerateArray().ToList() : export.EnumerateArray().ToList();
            Assert.Equal(3, memories.Count);
            AssertRepairedSurrogates(memories.Single(r => r.GetProperty("id").GetGuid() == surrogates.GetProperty("id").GetGuid()));
        }

        var repair = app.Services.GetRequiredService<MemoryRepairInitializer>();
        Assert.Equal(2, await repair.RepairAsync());
        Assert.Contains(app.Logs.Lines(), l => l.Contains("Repaired 2 memories", StringComparison.Ordinal));
        var repaired = await session.ListAsync("/api/v1/memories");
        Assert.All(repaired, r => Assert.False(r.TryGetProperty("unreadable", out _), r.GetRawText()));
        Assert.Equal("\uFFFD", Assert.Single(repaired, r => r.GetProperty("content").GetString() == "poisoned surrogates").GetProperty("metadata").EnumerateObject().First().Name);
        Assert.Equal(0, await repair.RepairAsync());
    }

    [Fact]
    public async Task Text_with_a_nul_or_a_lone_surrogate_stored_in_a_row_is_served_repaired_and_repaired_at_start()
    {
        var session = await app.NewSessionAsync();
        var memory = await session.CreateMemoryAsync("memory to break", ["tag"]);
        var entry = await session.CreateKnowledgeAsync("entry to break", "content", "source");
        // PostgreSQL refuses a NUL in text, so only SQLite can hold such a row (its driver already
        // turns a lone surrogate into U+FFFD when it binds the value).
        if (app.Provider == DatabaseProvider.Sqlite)
        {
            await SetAsync("Memories", "Content", "broken\0memory\uD800", "Content", "memory to break");
            await SetAsync("KnowledgeEntries", "Title", "broken\0title", "Title", "entry to break");
            await SetAsync("KnowledgeEntries", "Source", "nul\0source", "Source", "source");
        }
        else
        {
            await Assert.ThrowsAnyAsync<Exception>(() => SetAsync("Memories", "Content", "broken\0memory", "Content", "memory to break"));
            return;
        }

        var servedMemory = Assert.Single(await session.ListAsync("/api/v1/memories"));
        Assert.Equal(memory.GetProperty("id").GetGuid(), servedMemory.GetProperty("id").GetGuid());
        Assert.Equal("brokenmemory\uFFFD", servedMemory.GetProperty("content").GetString());
        Assert.Equal(["content"], servedMemory.GetProperty("unreadable").EnumerateArray().Select(f => f.GetString()));
        var servedEntry = await session.GetJsonAsync($"/api/v1/knowledge/{entry.GetProperty("id").GetGuid()}");
        Assert.Equal("brokentitle", servedEntry.GetProperty("title").GetString());
        Assert.Equal("nulsource", servedEntry.GetProperty("source").GetString());
        Assert.Equal(["title", "source"], servedEntry.GetProperty("unreadable").EnumerateArray().Select(f => f.GetString()));
        var export = await ExportAsync(session, "json");
        Assert.Equal("brokentitle", Assert.Single(export.GetProperty("knowledge").EnumerateArray()).GetProperty("title").GetString());

        Assert.Equal(1, await app.Services.GetRequiredService<MemoryRepairInitializer>().RepairAsync());
        Assert.Equal(1, await app.Services.GetRequiredService<KnowledgeRepairInitializer>().RepairAsync());
        Assert.False(Assert.Single(await session.ListAsync("/api/v1/memories")).TryGetProperty("unreadable", out _));
        Assert.False((await session.GetJsonAsync($"/api/v1/knowledge/{entry.GetProperty("id").GetGuid()}")).TryGetProperty("unreadable", out _));
        Assert.Single(await session.ListAsync("/api/v1/memories/search?q=brokenmemory"));
        Assert.Equal(0, await app.Services.GetRequiredService<KnowledgeRepairInitializer>().RepairAsync());
    }

    private static void AssertRepairedSurrogates(JsonElement row)
    {
        Assert.Equal(["metadata"], row.GetProperty("unreadable").EnumerateArray().Select(f => f.GetString()));
        var metadata = row.GetProperty("metadata");
        Assert.Equal("\uFFFD", metadata.GetProperty("\uFFFD").GetString());
        Assert.Equal("ab", metadata.GetProperty("n").GetString());
        Assert.Equal("😀", metadata.GetProperty("pair").GetString());
    }

    private static void AssertRepairedDepth(JsonElement row)
    {
        Assert.Equal(["metadata"], row.GetProperty("unreadable").EnumerateArray().Select(f => f.GetString()));
        var level = row.GetProperty("metadata");
        for (var depth = 1; depth < Memory.MaxMetadataDepth; depth++)
        {
            level = level.GetProperty("a");
        }

        // The part below the limit is kept as a string holding its JSON.
        Assert.Equal(UnstorableInputTests.Nested(63 - Memory.MaxMetadataDepth), level.GetProperty("a").GetString());
    }

    private async Task<JsonElement> ExportAsync(ApiSession session, string format)
    {
        var job = await session.StartExportAsync(new { format });
        await app.ExportRunner().RunOnceAsync();
        Assert.Equal("succeeded", (await session.GetExportAsync(job.Id())).Text("status"));
        using var download = await session.DownloadExportAsync(job.Id());
        var text = await download.Content.ReadAsStringAsync();
        return format == "json"
            ? JsonDocument.Parse(text).RootElement.Clone()
            : JsonDocument.Parse("[" + string.Join(',', text.Split('\n', StringSplitOptions.RemoveEmptyEntries)) + "]").RootElement.Clone();
    }

    // Writes a value past the API and its rules, as a row stored before them would hold it.
    private async Task SetAsync(string table, string column, string value, string whereColumn, string whereValue)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
#pragma warning disable EF1002 // Table and column names are this test's constants; the values are parameters.
        var changed = await db.Database.ExecuteSqlRawAsync($"UPDATE \"{table}\" SET \"{column}\" = {{0}} WHERE \"{whereColumn}\" = {{1}}", value, whereValue);
#pragma warning restore EF1002
        Assert.Equal(1, changed);
    }

    public sealed class OnSqlite(AppFixture<OnSqlite> fixture) : UnreadableRowTests(fixture.App), IClassFixture<AppFixture<OnSqlite>>, ITestHost
    {
        public static TestHostOptions Options => ExportsHosts.Manual;
    }

    public sealed class OnPostgres(AppFixture<OnPostgres> fixture) : UnreadableRowTests(fixture.App), IClassFixture<AppFixture<OnPostgres>>, ITestHost
    {
        public static TestHostOptions Options => ExportsHosts.Manual.OnPostgres();
    }
}
