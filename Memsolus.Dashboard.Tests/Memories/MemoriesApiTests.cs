using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Memsolus.Dashboard.Tests.Memories;

// /api/v1/memories as a client uses it: create, read, update, delete, page and search. Each test
// works in an account of its own, so lists hold exactly what the test wrote.
public abstract class MemoriesApiTests(MemsolusAppFactory app)
{
    [Fact]
    public async Task Create_answers_201_with_a_location_that_serves_the_new_memory()
    {
        var session = await app.NewSessionAsync();

        using var response = await session.Client.PostAsJsonAsync("/api/v1/memories", new
        {
            content = "The customer prefers email over phone.",
            tags = new[] { "crm", "preferences" },
            metadata = new { source = "call-2026-03-10", score = 0.9 },
        });

        var created = await ApiAssert.JsonAsync(response, HttpStatusCode.Created);
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/memories/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(
            ["id", "content", "tags", "metadata", "createdAt", "updatedAt"],
            created.EnumerateObject().Select(p => p.Name));
        Assert.Equal("The customer prefers email over phone.", created.GetProperty("content").GetString());
        Assert.Equal(["crm", "preferences"], Tags(created));
        Assert.Equal("call-2026-03-10", created.GetProperty("metadata").GetProperty("source").GetString());
        Assert.Equal(0.9, created.GetProperty("metadata").GetProperty("score").GetDouble());
        Assert.Equal(created.GetProperty("createdAt").GetDateTimeOffset(), created.GetProperty("updatedAt").GetDateTimeOffset());

        var fetched = await session.GetJsonAsync(response.Headers.Location!.OriginalString);
        Assert.Equal(created.GetRawText(), fetched.GetRawText());
    }

    [Fact]
    public async Task Create_without_tags_or_metadata_gives_empty_ones()
    {
        var session = await app.NewSessionAsync();

        var created = await session.CreateMemoryAsync("bare");

        Assert.Empty(Tags(created));
        Assert.Equal(JsonValueKind.Object, created.GetProperty("metadata").ValueKind);
        Assert.Empty(created.GetProperty("metadata").EnumerateObject());
    }

    [Fact]
    public async Task Content_of_10_000_characters_and_20_tags_are_accepted()
    {
        var session = await app.NewSessionAsync();
        var content = new string('c', 10_000);
        var tags = Enumerable.Range(1, 20).Select(i => $"tag{i:D2}").ToList();

        var created = await session.CreateMemoryAsync(content, tags);

        Assert.Equal(content, created.GetProperty("content").GetString());
        Assert.Equal(tags, Tags(created));
    }

    [Fact]
    public async Task Patch_changes_only_the_fields_it_names()
    {
        var session = await app.NewSessionAsync();
        var created = await session.CreateMemoryAsync("first words", ["draft"], new { lang = "en" });
        var path = $"/api/v1/memories/{created.GetProperty("id").GetGuid()}";

        using (var tagsOnly = await session.Client.PatchAsJsonAsync(path, new { tags = new[] { "final", "reviewed" } }))
        {
            var updated = await ApiAssert.JsonAsync(tagsOnly);
            Assert.Equal("first words", updated.GetProperty("content").GetString());
            Assert.Equal(["final", "reviewed"], Tags(updated));
            Assert.Equal("en", updated.GetProperty("metadata").GetProperty("lang").GetString());
        }

        using (var contentOnly = await session.Client.PatchAsJsonAsync(path, new { content = "second words" }))
        {
            await ApiAssert.JsonAsync(contentOnly);
        }

        var fetched = await session.GetJsonAsync(path);
        Assert.Equal("second words", fetched.GetProperty("content").GetString());
        Assert.Equal(["final", "reviewed"], Tags(fetched));
        Assert.Equal("en", fetched.GetProperty("metadata").GetProperty("lang").GetString());
        Assert.Equal(created.GetProperty("id").GetGuid(), fetched.GetProperty("id").GetGuid());
        Assert.Equal(created.GetProperty("createdAt").GetDateTimeOffset(), fetched.GetProperty("createdAt").GetDateTimeOffset());
        Assert.True(fetched.GetProperty("updatedAt").GetDateTimeOffset() >= created.GetProperty("updatedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Delete_answers_204_and_afterwards_the_memory_is_404_and_gone_from_the_list()
    {
        var session = await app.NewSessionAsync();
        var kept = await session.CreateMemoryAsync("kept");
        var doomed = await session.CreateMemoryAsync("doomed");
        var path = $"/api/v1/memories/{doomed.GetProperty("id").GetGuid()}";

        using var deleted = await session.Client.DeleteAsync(path);

        await ApiAssert.StatusAsync(deleted, HttpStatusCode.NoContent);
        Assert.Empty(await deleted.Content.ReadAsByteArrayAsync());
        using var get = await session.Client.GetAsync(path);
        await ApiAssert.ProblemAsync(get, HttpStatusCode.NotFound);
        using var again = await session.Client.DeleteAsync(path);
        await ApiAssert.ProblemAsync(again, HttpStatusCode.NotFound);
        Assert.Equal([kept.GetProperty("id").GetGuid()], await session.IdsAsync("/api/v1/memories"));
    }

    [Fact]
    public async Task Unknown_id_is_404_problem_for_get_patch_and_delete()
    {
        var session = await app.NewSessionAsync();
        var path = $"/api/v1/memories/{Guid.NewGuid()}";

        using var get = await session.Client.GetAsync(path);
        using var patch = await session.Client.PatchAsJsonAsync(path, new { content = "x" });
        using var delete = await session.Client.DeleteAsync(path);

        await ApiAssert.ProblemAsync(get, HttpStatusCode.NotFound);
        await ApiAssert.ProblemAsync(patch, HttpStatusCode.NotFound);
        await ApiAssert.ProblemAsync(delete, HttpStatusCode.NotFound);
        Assert.Empty(await session.ListAsync("/api/v1/memories"));
    }

    [Fact]
    public async Task Following_cursors_returns_every_memory_exactly_once_newest_first()
    {
        var session = await app.NewSessionAsync();
        var created = new List<Guid>();
        for (var i = 1; i <= 25; i++)
        {
            created.Add((await session.CreateMemoryAsync($"memory {i:D2}")).GetProperty("id").GetGuid());
        }

        var pages = new List<List<Guid>>();
        string? cursor = null;
        do
        {
            var path = cursor is null ? "/api/v1/memories?limit=10" : $"/api/v1/memories?limit=10&cursor={Uri.EscapeDataString(cursor)}";
            var page = await session.GetJsonAsync(path);
            pages.Add(page.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetGuid()).ToList());
            var next = page.GetProperty("nextCursor");
            cursor = next.ValueKind == JsonValueKind.Null ? null : next.GetString();
            Assert.True(pages.Count <= 3, "More pages than 25 memories at 10 a page can fill");
        }
        while (cursor is not null);

        Assert.Equal([10, 10, 5], pages.Select(p => p.Count));
        Assert.Equal(Enumerable.Reverse(created), pages.SelectMany(p => p));
    }

    [Fact]
    public async Task Default_page_holds_20_and_limits_1_and_100_are_accepted()
    {
        var session = await app.NewSessionAsync();
        for (var i = 1; i <= 21; i++)
        {
            await session.CreateMemoryAsync($"memory {i:D2}");
        }

        var firstPage = await session.GetJsonAsync("/api/v1/memories");
        var one = await session.GetJsonAsync("/api/v1/memories?limit=1");
        var hundred = await session.GetJsonAsync("/api/v1/memories?limit=100");

        Assert.Equal(20, firstPage.GetProperty("data").GetArrayLength());
        Assert.Equal(JsonValueKind.String, firstPage.GetProperty("nextCursor").ValueKind);
        Assert.Equal("memory 21", Assert.Single(one.GetProperty("data").EnumerateArray()).GetProperty("content").GetString());
        Assert.Equal(21, hundred.GetProperty("data").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, hundred.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task Empty_list_is_an_empty_page_without_a_cursor()
    {
        var session = await app.NewSessionAsync();

        var page = await session.GetJsonAsync("/api/v1/memories");

        Assert.Equal(0, page.GetProperty("data").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
    }

    [Theory]
    [InlineData("ärger")]
    [InlineData("ÄRGER")]
    [InlineData("Ärger")]
    [InlineData("VERMIETER")]
    public async Task Search_matches_content_whatever_the_case_beyond_ascii_too(string q)
    {
        var session = await app.NewSessionAsync();
        var match = await session.CreateMemoryAsync("Ärger mit dem Vermieter");
        await session.CreateMemoryAsync("Freude am Garten");

        var found = await session.IdsAsync($"/api/v1/memories/search?q={Uri.EscapeDataString(q)}");

        Assert.Equal([match.GetProperty("id").GetGuid()], found);
    }

    [Fact]
    public async Task Search_matches_tags_whatever_the_case()
    {
        var session = await app.NewSessionAsync();
        var tagged = await session.CreateMemoryAsync("call the supplier", ["Urgent"]);
        await session.CreateMemoryAsync("water the plants", ["someday"]);

        Assert.Equal([tagged.GetProperty("id").GetGuid()], await session.IdsAsync("/api/v1/memories/search?q=URGENT"));
        Assert.Equal([tagged.GetProperty("id").GetGuid()], await session.IdsAsync("/api/v1/memories/search?q=urgent"));
    }

    [Fact]
    public async Task Search_sees_tags_changed_by_a_patch()
    {
        var session = await app.NewSessionAsync();
        var memory = await session.CreateMemoryAsync("quarterly numbers", ["draft"]);
        var id = memory.GetProperty("id").GetGuid();

        using (var patched = await session.Client.PatchAsJsonAsync($"/api/v1/memories/{id}", new { tags = new[] { "Published" } }))
        {
            await ApiAssert.JsonAsync(patched);
        }

        Assert.Equal([id], await session.IdsAsync("/api/v1/memories/search?q=published"));
        Assert.Empty(await session.ListAsync("/api/v1/memories/search?q=draft"));
    }

    [Theory]
    [InlineData("%", "100% sure")]
    [InlineData("_", "snake_case name")]
    [InlineData("0%_", "discount 50%_off")]
    [InlineData("\\", "C:\\temp")]
    public async Task Search_takes_like_wildcards_literally(string q, string onlyMatch)
    {
        var session = await app.NewSessionAsync();
        var match = await session.CreateMemoryAsync(onlyMatch);
        await session.CreateMemoryAsync("plain words");
        await session.CreateMemoryAsync("snakeXcase name, 100 sure, 50off, C:/temp");

        var found = await session.IdsAsync($"/api/v1/memories/search?q={Uri.EscapeDataString(q)}");

        Assert.Equal([match.GetProperty("id").GetGuid()], found);
    }

    [Fact]
    public async Task Search_results_are_paged_like_the_list()
    {
        var session = await app.NewSessionAsync();
        var matches = new List<Guid>();
        for (var i = 1; i <= 3; i++)
        {
            matches.Add((await session.CreateMemoryAsync($"invoice {i}")).GetProperty("id").GetGuid());
            await session.CreateMemoryAsync($"receipt {i}");
        }

        var first = await session.GetJsonAsync("/api/v1/memories/search?q=invoice&limit=2");
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await session.GetJsonAsync($"/api/v1/memories/search?q=invoice&limit=2&cursor={Uri.EscapeDataString(cursor!)}");

        Assert.Equal(
            Enumerable.Reverse(matches),
            first.GetProperty("data").EnumerateArray().Concat(second.GetProperty("data").EnumerateArray()).Select(m => m.GetProperty("id").GetGuid()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
    }

    private static IEnumerable<string?> Tags(JsonElement memory) =>
        memory.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ToList();

    public sealed class OnSqlite(MemsolusAppFactory app) : MemoriesApiTests(app), IClassFixture<MemsolusAppFactory>;

    public sealed class OnPostgres(AppFixture<Hosts.Postgres> fixture) : MemoriesApiTests(fixture.App), IClassFixture<AppFixture<Hosts.Postgres>>;
}
