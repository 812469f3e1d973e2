using System.Net;
using System.Text;
using System.Text.Json;

namespace Memsolus.Dashboard.Tests.Api;

// docs/api.md: bad input is a 400 problem+json with per-field errors, an oversized body a 413,
// never a 500, and a rejected write leaves nothing behind.
public abstract class BadRequestTests(MemsolusAppFactory app)
{
    public static TheoryData<string, string, string?> BadMemoryBodies => new()
    {
        { "invalid JSON", """{"content": """, null },
        { "not an object", """["content"]""", null },
        { "content of the wrong type", """{"content": 5}""", null },
        { "missing content", "{}", "content" },
        { "blank content", """{"content": "   "}""", "content" },
        { "content over 10,000 characters", Json(new { content = new string('m', 10_001) }), "content" },
        { "21 tags", Json(new { content = "ok", tags = Enumerable.Range(1, 21).Select(i => $"tag{i}") }), "tags" },
        { "an empty tag", Json(new { content = "ok", tags = new[] { "fine", "" } }), "tags" },
        { "a tag over 50 characters", Json(new { content = "ok", tags = new[] { new string('t', 51) } }), "tags" },
        { "metadata that is an array", """{"content": "ok", "metadata": [1, 2]}""", "metadata" },
        { "metadata that is a string", """{"content": "ok", "metadata": "x"}""", "metadata" },
        { "metadata over 16 KB", Json(new { content = "ok", metadata = new { blob = new string('m', 16 * 1024) } }), "metadata" },
    };

    // The same bodies as updates, except {}: content is required on create only, so {} is a valid
    // update that changes nothing.
    public static TheoryData<string, string, string?> BadMemoryUpdates
    {
        get
        {
            var updates = new TheoryData<string, string, string?>();
            foreach (var row in BadMemoryBodies)
            {
                if ((string)row[1] != "{}")
                {
                    updates.Add((string)row[0], (string)row[1], (string?)row[2]);
                }
            }

            return updates;
        }
    }

    public static TheoryData<string, string, string?> BadKnowledgeBodies => new()
    {
        { "invalid JSON", "{", null },
        { "missing title", """{"content": "text"}""", "title" },
        { "blank title", """{"title": " ", "content": "text"}""", "title" },
        { "title over 200 characters", Json(new { title = new string('t', 201), content = "text" }), "title" },
        { "missing content", """{"title": "t"}""", "content" },
        { "source over 2,048 characters", Json(new { title = "t", content = "text", source = new string('s', 2_049) }), "source" },
    };

    public static TheoryData<string, string> BadQueries => new()
    {
        { "/api/v1/memories?limit=0", "limit" },
        { "/api/v1/memories?limit=101", "limit" },
        { "/api/v1/memories?limit=abc", "limit" },
        { "/api/v1/memories?limit=-5", "limit" },
        { "/api/v1/memories?cursor=garbage", "cursor" },
        { "/api/v1/memories?cursor=!!!", "cursor" },
        { "/api/v1/memories?cursor=AAAAAAAAAAA", "cursor" },
        { "/api/v1/memories?cursor=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "cursor" },
        { "/api/v1/memories/search?q=x&limit=0", "limit" },
        { "/api/v1/memories/search?q=x&limit=101", "limit" },
        { "/api/v1/memories/search?q=x&limit=abc", "limit" },
        { "/api/v1/memories/search?q=x&cursor=garbage", "cursor" },
        { "/api/v1/memories/search", "q" },
        { "/api/v1/memories/search?q=", "q" },
        { "/api/v1/memories/search?q=%20%20", "q" },
        { "/api/v1/knowledge?limit=0", "limit" },
        { "/api/v1/knowledge?limit=101", "limit" },
        { "/api/v1/knowledge?limit=abc", "limit" },
        { "/api/v1/knowledge?cursor=garbage", "cursor" },
    };

    [Theory]
    [MemberData(nameof(BadMemoryBodies))]
    public async Task Bad_memory_is_400_and_nothing_is_written(string why, string body, string? field)
    {
        var session = await app.NewSessionAsync();

        using var response = await session.Client.PostAsync("/api/v1/memories", JsonBody(body));

        await AssertBadRequestAsync(response, field, why);
        Assert.Empty(await session.ListAsync("/api/v1/memories"));
    }

    [Theory]
    [MemberData(nameof(BadMemoryUpdates))]
    public async Task Bad_memory_update_is_400_and_the_memory_is_unchanged(string why, string body, string? field)
    {
        var session = await app.NewSessionAsync();
        var memory = await session.CreateMemoryAsync("original", ["kept"], new { kept = true });
        var path = $"/api/v1/memories/{memory.GetProperty("id").GetGuid()}";

        using var response = await session.Client.PatchAsync(path, JsonBody(body));

        await AssertBadRequestAsync(response, field, why);
        Assert.Equal(memory.GetRawText(), (await session.GetJsonAsync(path)).GetRawText());
    }

    [Theory]
    [MemberData(nameof(BadKnowledgeBodies))]
    public async Task Bad_knowledge_entry_is_400_and_nothing_is_written(string why, string body, string? field)
    {
        var session = await app.NewSessionAsync();

        using var response = await session.Client.PostAsync("/api/v1/knowledge", JsonBody(body));

        await AssertBadRequestAsync(response, field, why);
        Assert.Empty(await session.ListAsync("/api/v1/knowledge"));
    }

    [Fact]
    public async Task Memory_post_without_any_body_is_400_problem_and_nothing_is_written()
    {
        var session = await app.NewSessionAsync();

        using var response = await session.Client.PostAsync("/api/v1/memories", content: null);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Empty(await session.ListAsync("/api/v1/memories"));
    }

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task Bad_paging_or_search_parameter_is_400_naming_it(string path, string field)
    {
        var session = await app.NewSessionAsync();

        using var response = await session.Client.GetAsync(path);

        await ApiAssert.InvalidFieldAsync(response, field);
    }

    [Fact]
    public async Task Search_query_over_200_characters_is_400()
    {
        var session = await app.NewSessionAsync();

        using var response = await session.Client.GetAsync($"/api/v1/memories/search?q={new string('q', 201)}");

        await ApiAssert.InvalidFieldAsync(response, "q");
    }

    [Theory]
    [InlineData("/api/v1/memories")]
    [InlineData("/api/v1/knowledge")]
    public async Task Body_over_one_mebibyte_is_413_problem_and_nothing_is_written(string path)
    {
        var session = await app.NewSessionAsync();
        var body = Json(new { title = "big", content = new string('b', 1024 * 1024) });
        Assert.True(Encoding.UTF8.GetByteCount(body) > 1024 * 1024);

        using var response = await session.Client.PostAsync(path, JsonBody(body));

        await ApiAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Empty(await session.ListAsync(path));
    }

    [Fact]
    public async Task Body_over_one_mebibyte_sent_without_a_length_is_413_problem_and_nothing_is_written()
    {
        var session = await app.NewSessionAsync();
        var bytes = Encoding.UTF8.GetBytes(Json(new { content = new string('b', 1024 * 1024) }));
        using var content = new StreamContent(new UnknownLengthStream(bytes));
        content.Headers.ContentType = new("application/json");

        using var response = await session.Client.PostAsync("/api/v1/memories", content);

        Assert.Null(response.RequestMessage?.Content?.Headers.ContentLength);
        await ApiAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Empty(await session.ListAsync("/api/v1/memories"));
    }

    [Fact]
    public async Task Body_just_under_the_limit_is_read_and_judged_on_its_fields()
    {
        var session = await app.NewSessionAsync();
        var body = Json(new { content = new string('b', 1024 * 1024 - 100) });
        Assert.True(Encoding.UTF8.GetByteCount(body) < 1024 * 1024);

        using var response = await session.Client.PostAsync("/api/v1/memories", JsonBody(body));

        await ApiAssert.InvalidFieldAsync(response, "content");
    }

    private static async Task AssertBadRequestAsync(HttpResponseMessage response, string? field, string why)
    {
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{why}: expected 400, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        if (field is null)
        {
            await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
        }
        else
        {
            await ApiAssert.InvalidFieldAsync(response, field);
        }
    }

    private static string Json(object value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Web);

    private static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    // A body whose length the client does not know, so it is sent without Content-Length.
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }

    public sealed class OnSqlite(MemsolusAppFactory app) : BadRequestTests(app), IClassFixture<MemsolusAppFactory>;

    public sealed class OnPostgres(AppFixture<Hosts.Postgres> fixture) : BadRequestTests(fixture.App), IClassFixture<AppFixture<Hosts.Postgres>>;
}
