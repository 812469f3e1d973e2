using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Memsolus.Dashboard.Tests.Knowledge;

// /api/v1/knowledge as a client uses it, each test in an account of its own.
public abstract class KnowledgeApiTests(MemsolusAppFactory app)
{
    [Fact]
    public async Task Create_answers_201_with_a_location_that_serves_the_new_entry()
    {
        var session = await app.NewSessionAsync();

        using var response = await session.Client.PostAsJsonAsync("/api/v1/knowledge", new
        {
            title = "Refund policy",
            content = "Refunds within 30 days.",
            source = "https://example.com/refunds",
        });

        var created = await ApiAssert.JsonAsync(response, HttpStatusCode.Created);
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/knowledge/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(
            ["id", "title", "content", "source", "createdAt", "updatedAt"],
            created.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Refund policy", created.GetProperty("title").GetString());
        Assert.Equal("Refunds within 30 days.", created.GetProperty("content").GetString());
        Assert.Equal("https://example.com/refunds", created.GetProperty("source").GetString());

        var fetched = await session.GetJsonAsync(response.Headers.Location!.OriginalString);
        Assert.Equal(created.GetRawText(), fetched.GetRawText());
    }

    [Fact]
    public async Task Patch_changes_only_the_fields_it_names_and_an_empty_source_clears_it()
    {
        var session = await app.NewSessionAsync();
        var created = await session.CreateKnowledgeAsync("Old title", "Body stays", "https://example.com/a");
        var path = $"/api/v1/knowledge/{created.GetProperty("id").GetGuid()}";

        using (var titleOnly = await session.Client.PatchAsJsonAsync(path, new { title = "New title" }))
        {
            var updated = await ApiAssert.JsonAsync(titleOnly);
            Assert.Equal("New title", updated.GetProperty("title").GetString());
            Assert.Equal("Body stays", updated.GetProperty("content").GetString());
            Assert.Equal("https://example.com/a", updated.GetProperty("source").GetString());
        }

        using (var clearSource = await session.Client.PatchAsJsonAsync(path, new { source = "" }))
        {
            await ApiAssert.JsonAsync(clearSource);
        }

        var fetched = await session.GetJsonAsync(path);
        Assert.Equal("New title", fetched.GetProperty("title").GetString());
        Assert.Equal("Body stays", fetched.GetProperty("content").GetString());
        Assert.Equal(JsonValueKind.Null, fetched.GetProperty("source").ValueKind);
        Assert.Equal(created.GetProperty("createdAt").GetDateTimeOffset(), fetched.GetProperty("createdAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Delete_answers_204_and_afterwards_the_entry_is_404_and_gone_from_the_list()
    {
        var session = await app.NewSessionAsync();
        var kept = await session.CreateKnowledgeAsync("kept", "stays");
        var doomed = await session.CreateKnowledgeAsync("doomed", "goes");
        var path = $"/api/v1/knowledge/{doomed.GetProperty("id").GetGuid()}";

        using var deleted = await session.Client.DeleteAsync(path);

        await ApiAssert.StatusAsync(deleted, HttpStatusCode.NoContent);
        using var get = await session.Client.GetAsync(path);
        await ApiAssert.ProblemAsync(get, HttpStatusCode.NotFound);
        using var again = await session.Client.DeleteAsync(path);
        await ApiAssert.ProblemAsync(again, HttpStatusCode.NotFound);
        Assert.Equal([kept.GetProperty("id").GetGuid()], await session.IdsAsync("/api/v1/knowledge"));
    }

    [Fact]
    public async Task Unknown_id_is_404_problem_for_get_patch_and_delete()
    {
        var session = await app.NewSessionAsync();
        var path = $"/api/v1/knowledge/{Guid.NewGuid()}";

        using var get = await session.Client.GetAsync(path);
        using var patch = await session.Client.PatchAsJsonAsync(path, new { title = "x" });
        using var delete = await session.Client.DeleteAsync(path);

        await ApiAssert.ProblemAsync(get, HttpStatusCode.NotFound);
        await ApiAssert.ProblemAsync(patch, HttpStatusCode.NotFound);
        await ApiAssert.ProblemAsync(delete, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Following_cursors_returns_every_entry_exactly_once_newest_first()
    {
        var session = await app.NewSessionAsync();
        var created = new List<Guid>();
        for (var i = 1; i <= 5; i++)
        {
            created.Add((await session.CreateKnowledgeAsync($"entry {i}", "text")).GetProperty("id").GetGuid());
        }

        var seen = new List<Guid>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var page = await session.GetJsonAsync(cursor is null ? "/api/v1/knowledge?limit=2" : $"/api/v1/knowledge?limit=2&cursor={Uri.EscapeDataString(cursor)}");
            seen.AddRange(page.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetGuid()));
            var next = page.GetProperty("nextCursor");
            cursor = next.ValueKind == JsonValueKind.Null ? null : next.GetString();
            pages++;
            Assert.True(pages <= 3, "More pages than 5 entries at 2 a page can fill");
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Reverse(created), seen);
    }

    public sealed class OnSqlite(MemsolusAppFactory app) : KnowledgeApiTests(app), IClassFixture<MemsolusAppFactory>;

    public sealed class OnPostgres(AppFixture<Hosts.Postgres> fixture) : KnowledgeApiTests(fixture.App), IClassFixture<AppFixture<Hosts.Postgres>>;
}
