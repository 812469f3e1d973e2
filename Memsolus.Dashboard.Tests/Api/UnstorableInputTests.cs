using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Memsolus.Dashboard.Memories;
using Memsolus.Dashboard.Tests.Exports;

namespace Memsolus.Dashboard.Tests.Api;

// docs/api.md, "Text the API stores": whatever a write accepts, every later read, search and
// export can serve. Text no provider can keep (NUL, unpaired surrogates, invalid UTF-8, control
// characters), in any field, any property name and at any depth, is a 400 naming the field and
// nothing is stored; metadata deeper than its limit is a 400; a body in another charset than
// UTF-8 is a 415. Bodies are written by hand (Json below): a serializer would refuse or replace
// the very characters under test.
public abstract class UnstorableInputTests(MemsolusAppFactory app)
{
    public static TheoryData<string> Unstorable => UnstorableText.Around("before", "after");

    [Fact]
    public async Task The_issues_lone_surrogate_metadata_is_400_naming_metadata_and_every_read_still_answers()
    {
        var session = await app.NewSessionAsync();

        using var response = await PostAsync(session, "/api/v1/memories", """{"content":"x","metadata":{"\ud800":"\udfff"}}""");

        await ApiAssert.InvalidFieldAsync(response, "metadata");
        Assert.Empty(await session.ListAsync("/api/v1/memories"));
        Assert.Empty(await session.ListAsync("/api/v1/memories/search?q=x"));
    }

    [Fact]
    public async Task A_lone_surrogate_metadata_key_in_an_update_is_400_and_the_memory_is_unchanged()
    {
        var session = await app.NewSessionAsync();
        var memory = await session.CreateMemoryAsync("original", ["kept"], new { kept = true });
        var path = $"/api/v1/memories/{memory.GetProperty("id").GetGuid()}";

        using var response = await SendAsync(session, HttpMethod.Patch, path, """{"metadata":{"ok":{"\udc00":1}}}""");

        await ApiAssert.InvalidFieldAsync(response, "metadata.ok");
        Assert.Equal(memory.GetRawText(), (await session.GetJsonAsync(path)).GetRawText());
    }

    [Theory]
    [InlineData(63)]
    [InlineData(Memory.MaxMetadataDepth + 1)]
    public async Task Metadata_nested_deeper_than_the_limit_is_400_naming_metadata(int depth)
    {
        var session = await app.NewSessionAsync();

        using var response = await PostAsync(session, "/api/v1/memories", $$"""{"content":"deep","metadata":{{Nested(depth)}}}""");

        await ApiAssert.InvalidFieldAsync(response, "metadata");
        Assert.Empty(await session.ListAsync("/api/v1/memories"));
    }

    [Fact]
    public async Task Metadata_at_the_depth_limit_is_stored_and_served_by_every_read_and_export()
    {
        var session = await app.NewSessionAsync();
        using var created = await PostAsync(session, "/api/v1/memories", $$"""{"content":"deepest allowed","metadata":{{Nested(Memory.MaxMetadataDepth)}}}""");
        var memory = await ApiAssert.JsonAsync(created, HttpStatusCode.Created);
        var id = memory.GetProperty("id").GetGuid();

        Assert.Equal(Memory.MaxMetadataDepth, Depth(memory.GetProperty("metadata")));
        Assert.Equal(Memory.MaxMetadataDepth, Depth((await session.GetJsonAsync($"/api/v1/memories/{id}")).GetProperty("metadata")));
        Assert.Equal(Memory.MaxMetadataDepth, Depth(Assert.Single(await session.ListAsync("/api/v1/memories")).GetProperty("metadata")));
        Assert.Single(await session.ListAsync("/api/v1/memories/search?q=deepest"));
        var export = await ExportAsync(session, "json");
        Assert.Equal(Memory.MaxMetadataDepth, Depth(Assert.Single(export.GetProperty("memories").EnumerateArray()).GetProperty("metadata")));
    }

    [Theory]
    [MemberData(nameof(Unstorable), DisableDiscoveryEnumeration = true)]
    public async Task Unstorable_text_in_a_memory_field_is_400_naming_it_and_nothing_is_stored(string text)
    {
        var session = await app.NewSessionAsync();
        var bodies = new (string Body, string Field)[]
        {
            ($$"""{"content":{{Json(text)}}}""", "content"),
            ($$"""{"content":"ok","tags":["fine",{{Json(text)}}]}""", "tags[1]"),
            ("""{"content":"ok","metadata":{"note":""" + Json(text) + "}}", "metadata.note"),
            ("""{"content":"ok","metadata":{"list":[1,{"deeper":""" + Json(text) + """}]}}""", "metadata.list[1].deeper"),
            ($$$"""{"content":"ok","metadata":{{{{Json(text)}}}:1}}""", "metadata"),
            ("""{"content":"ok","metadata":{"a":{""" + Json(text) + """:1}}}""", "metadata.a"),
        };

        foreach (var (body, field) in bodies)
        {
            using var response = await PostAsync(session, "/api/v1/memories", body);
            await ApiAssert.InvalidFieldAsync(response, field);
        }

        Assert.Empty(await session.ListAsync("/api/v1/memories"));
    }

    [Theory]
    [MemberData(nameof(Unstorable), DisableDiscoveryEnumeration = true)]
    public async Task Unstorable_text_in_a_memory_update_is_400_naming_it_and_the_memory_is_unchanged(string text)
    {
        var session = await app.NewSessionAsync();
        var memory = await session.CreateMemoryAsync("original", ["kept"], new { kept = true });
        var path = $"/api/v1/memories/{memory.GetProperty("id").GetGuid()}";

        foreach (var (body, field) in new[]
        {
            ($$"""{"content":{{Json(text)}}}""", "content"),
            ($$"""{"tags":[{{Json(text)}}]}""", "tags[0]"),
            ($$$"""{"metadata":{{{{Json(text)}}}:"v"}}""", "metadata"),
        })
        {
            using var response = await SendAsync(session, HttpMethod.Patch, path, body);
            await ApiAssert.InvalidFieldAsync(response, field);
        }

        Assert.Equal(memory.GetRawText(), (await session.GetJsonAsync(path)).GetRawText());
    }

    [Theory]
    [MemberData(nameof(Unstorable), DisableDiscoveryEnumeration = true)]
    public async Task Unstorable_text_in_a_knowledge_entry_is_400_naming_the_field_and_nothing_is_stored(string text)
    {
        var session = await app.NewSessionAsync();
        var entry = await session.CreateKnowledgeAsync("kept", "kept", "https://example.com/kept");
        var path = $"/api/v1/knowledge/{entry.GetProperty("id").GetGuid()}";

        foreach (var field in new[] { "title", "content", "source" })
        {
            var fields = new Dictionary<string, string> { ["title"] = "\"t\"", ["content"] = "\"c\"", ["source"] = "\"s\"" };
            fields[field] = Json(text);
            var body = "{" + string.Join(',', fields.Select(f => $"\"{f.Key}\":{f.Value}")) + "}";
            using var created = await PostAsync(session, "/api/v1/knowledge", body);
            await ApiAssert.InvalidFieldAsync(created, field);
            using var updated = await SendAsync(session, HttpMethod.Patch, path, $$"""{"{{field}}":{{Json(text)}}}""");
            await ApiAssert.InvalidFieldAsync(updated, field);
        }

        Assert.Equal(entry.GetRawText(), Assert.Single(await session.ListAsync("/api/v1/knowledge")).GetRawText());
    }

    [Theory]
    [MemberData(nameof(Unstorable), DisableDiscoveryEnumeration = true)]
    public async Task Unstorable_text_in_a_webhook_an_ingest_url_or_an_export_is_400_naming_the_field(string text)
    {
        var session = await app.NewSessionAsync();

        foreach (var (path, body, field) in new[]
        {
            ("/api/v1/webhooks", $$"""{"url":"https://example.com/hook","events":["memory.created"],"description":{{Json(text)}}}""", "description"),
            ("/api/v1/webhooks", $$"""{"url":{{Json("https://example.com/" + text)}},"events":["memory.created"]}""", "url"),
            ("/api/v1/webhooks", $$"""{"url":"https://example.com/hook","events":[{{Json(text)}}]}""", "events[0]"),
            ("/api/v1/ingest/urls", $$"""{"url":{{Json("https://example.com/" + text)}}}""", "url"),
            ("/api/v1/exports", $$"""{"format":{{Json(text)}}}""", "format"),
        })
        {
            using var response = await PostAsync(session, path, body);
            await ApiAssert.InvalidFieldAsync(response, field);
        }

        Assert.Empty(await session.ListAsync("/api/v1/webhooks"));
        Assert.Empty(await session.ListAsync("/api/v1/ingest/jobs"));
        Assert.Empty(await session.ListAsync("/api/v1/exports"));
    }

    [Theory]
    [InlineData("""{"content":"x","metadata":{"k":"a|b"}}""", "metadata.k")]
    [InlineData("""{"content":"x","metadata":{"a|":"v"}}""", "metadata")]
    [InlineData("""{"content":"a|b"}""", "content")]
    [InlineData("""{"content":"ok","tags":["a|"]}""", "tags[0]")]
    public async Task Invalid_utf8_bytes_in_a_memory_are_400_naming_the_field(string template, string field)
    {
        var session = await app.NewSessionAsync();
        // Each | becomes a byte no UTF-8 text holds: a lone continuation byte, an overlong NUL, a
        // surrogate encoded as UTF-8, a lead byte with nothing after it.
        foreach (var bad in new byte[][] { [0x80], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xFF] })
        {
            var bytes = Encoding.UTF8.GetBytes(template).SelectMany(b => b == (byte)'|' ? bad : [b]).ToArray();
            using var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new("application/json");

            using var response = await session.Client.PostAsync("/api/v1/memories", content);

            await ApiAssert.InvalidFieldAsync(response, field);
        }

        Assert.Empty(await session.ListAsync("/api/v1/memories"));
    }

    [Fact]
    public async Task Invalid_utf8_in_a_knowledge_entry_is_400_naming_the_field()
    {
        var session = await app.NewSessionAsync();
        using var content = new ByteArrayContent([.. """{"title":"t","content":"a"""u8, 0xFF, .. "\"}"u8]);
        content.Headers.ContentType = new("application/json");

        using var response = await session.Client.PostAsync("/api/v1/knowledge", content);

        await ApiAssert.InvalidFieldAsync(response, "content");
        Assert.Empty(await session.ListAsync("/api/v1/knowledge"));
    }

    [Theory]
    [InlineData("latin-99")]
    [InlineData("iso-8859-1")]
    [InlineData("utf-16")]
    [InlineData("\"\"")]
    [InlineData("utf8")]
    [InlineData("\"utf-8\"")]
    public async Task A_body_in_another_charset_than_utf8_is_415_problem_and_nothing_is_stored(string charset)
    {
        var session = await app.NewSessionAsync();

        foreach (var path in new[] { "/api/v1/memories", "/api/v1/knowledge" })
        {
            using var content = new ByteArrayContent("""{"title":"t","content":"c"}"""u8.ToArray());
            content.Headers.TryAddWithoutValidation("Content-Type", $"application/json; charset={charset}");

            using var response = await session.Client.PostAsync(path, content);

            var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
            Assert.Contains("UTF-8", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Empty(await session.ListAsync(path));
        }
    }

    [Theory]
    [InlineData("utf-8")]
    [InlineData("UTF-8")]
    public async Task A_body_declared_utf8_is_read(string charset)
    {
        var session = await app.NewSessionAsync();
        using var content = new ByteArrayContent("""{"content":"Zürich ☕"}"""u8.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", $"application/json; charset={charset}");

        using var response = await session.Client.PostAsync("/api/v1/memories", content);

        Assert.Equal("Zürich ☕", (await ApiAssert.JsonAsync(response, HttpStatusCode.Created)).GetProperty("content").GetString());
    }

    [Theory]
    [InlineData("%00")]
    [InlineData("a%00b")]
    [InlineData("%1B")]
    [InlineData("x%07")]
    public async Task A_search_for_unstorable_text_is_400_naming_q(string q)
    {
        var session = await app.NewSessionAsync();
        await session.CreateMemoryAsync("something");

        using var response = await session.Client.GetAsync($"/api/v1/memories/search?q={q}");

        await ApiAssert.InvalidFieldAsync(response, "q");
    }

    [Theory]
    [InlineData("%ED%A0%80")]
    [InlineData("%FF")]
    [InlineData("%C0%80")]
    public async Task A_search_with_invalid_utf8_in_the_query_string_answers_without_error(string q)
    {
        var session = await app.NewSessionAsync();
        await session.CreateMemoryAsync("something");

        using var response = await session.Client.GetAsync($"/api/v1/memories/search?q={q}");

        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task Line_breaks_and_tabs_in_content_and_metadata_values_are_kept()
    {
        var session = await app.NewSessionAsync();

        var memory = await session.CreateMemoryAsync("line one\nline\ttwo\r\n", metadata: new { note = "a\nb\tc", emoji = "☕ 😀" });

        Assert.Equal("line one\nline\ttwo", memory.GetProperty("content").GetString());
        Assert.Equal("a\nb\tc", memory.GetProperty("metadata").GetProperty("note").GetString());
        Assert.Equal("☕ 😀", memory.GetProperty("metadata").GetProperty("emoji").GetString());
    }

    // A JSON string literal with every character outside printable ASCII escaped as \uXXXX, the
    // way a client writes a lone surrogate or a NUL.
    internal static string Json(string text) =>
        "\"" + string.Concat(text.Select(c => c is < ' ' or > '~' or '"' or '\\' ? string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}") : c.ToString())) + "\"";

    // An object `depth` levels deep: {"a":{"a":…{}}}.
    internal static string Nested(int depth) =>
        string.Concat(Enumerable.Repeat("{\"a\":", depth - 1)) + "{}" + new string('}', depth - 1);

    internal static int Depth(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object ? 1 + value.EnumerateObject().Select(p => Depth(p.Value)).DefaultIfEmpty(0).Max() : 0;

    internal static Task<HttpResponseMessage> PostAsync(ApiSession session, string path, string json) =>
        SendAsync(session, HttpMethod.Post, path, json);

    internal static async Task<HttpResponseMessage> SendAsync(ApiSession session, HttpMethod method, string path, string json)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        return await session.Client.SendAsync(request);
    }

    // Runs an export to its end with the runner (the hosts have no export worker) and answers the
    // downloaded document.
    internal async Task<JsonElement> ExportAsync(ApiSession session, string format)
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

    public sealed class OnSqlite(AppFixture<OnSqlite> fixture) : UnstorableInputTests(fixture.App), IClassFixture<AppFixture<OnSqlite>>, ITestHost
    {
        public static TestHostOptions Options => ExportsHosts.Manual;
    }

    public sealed class OnPostgres(AppFixture<OnPostgres> fixture) : UnstorableInputTests(fixture.App), IClassFixture<AppFixture<OnPostgres>>, ITestHost
    {
        public static TestHostOptions Options => ExportsHosts.Manual.OnPostgres();
    }
}
