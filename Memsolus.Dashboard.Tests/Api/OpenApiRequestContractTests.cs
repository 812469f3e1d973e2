using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Memsolus.Dashboard.Api;

namespace Memsolus.Dashboard.Tests.Api;

// docs/api.md, "Types, bounds and required fields": the server honours what /openapi/v1.json
// says. Bodies and bounds are read from the document itself, so a document that drifts from the
// server fails here: a body of only the required fields is accepted, each required field left out
// is refused, a value at a documented bound is accepted and one past it refused with 400 naming the
// field; limit is checked as documented on every list operation.
public abstract class OpenApiRequestContractTests(MemsolusAppFactory app)
{
    // A valid value for each request field this test fills in.
    private static readonly Dictionary<string, JsonNode> Samples = new()
    {
        ["content"] = "text",
        ["title"] = "title",
        ["url"] = "https://example.invalid/hooks/contract",
        ["events"] = new JsonArray("memory.created"),
    };

    private static readonly HashSet<string> Creates = ["CreateMemory", "CreateKnowledge", "CreateWebhook", "IngestUrl"];

    [Fact]
    public async Task A_body_of_only_the_documented_required_fields_is_accepted_and_each_one_left_out_is_refused_naming_it()
    {
        var document = await DocumentAsync();
        var session = await app.NewSessionAsync();

        foreach (var id in Creates)
        {
            var operation = OpenApiDocuments.Operations(document).Single(o => o.Id == id);
            var required = Required(document, id);
            Assert.NotEmpty(required);

            using var accepted = await SendAsync(session, operation, Body(required));
            Assert.True(accepted.StatusCode is HttpStatusCode.Created or HttpStatusCode.Accepted, $"{id} with only {string.Join(", ", required)}: {(int)accepted.StatusCode} {await accepted.Content.ReadAsStringAsync()}");

            foreach (var left in required)
            {
                using var refused = await SendAsync(session, operation, Body(required.Where(r => r != left)));
                await ApiAssert.InvalidFieldAsync(refused, left);
            }
        }
    }

    [Fact]
    public async Task An_empty_body_is_a_valid_update_and_a_valid_export_or_roll()
    {
        var session = await app.NewSessionAsync();
        var memory = (await session.CreateMemoryAsync("kept")).GetProperty("id").GetGuid();
        var knowledge = (await session.CreateKnowledgeAsync("kept", "kept")).GetProperty("id").GetGuid();
        var webhook = await CreateWebhookAsync(session);

        foreach (var (method, path, expected) in new[]
        {
            (HttpMethod.Patch, $"/api/v1/memories/{memory}", HttpStatusCode.OK),
            (HttpMethod.Patch, $"/api/v1/knowledge/{knowledge}", HttpStatusCode.OK),
            (HttpMethod.Patch, $"/api/v1/webhooks/{webhook}", HttpStatusCode.OK),
            (HttpMethod.Post, $"/api/v1/webhooks/{webhook}/roll-secret", HttpStatusCode.OK),
            (HttpMethod.Post, "/api/v1/exports", HttpStatusCode.Accepted),
        })
        {
            using var response = await SendAsync(session, method, path, "{}");
            await ApiAssert.StatusAsync(response, expected);
        }
    }

    [Fact]
    public async Task A_value_at_each_documented_bound_is_accepted_and_one_past_it_is_refused_naming_the_field()
    {
        var document = await DocumentAsync();
        var schemas = document.GetProperty("components").GetProperty("schemas");
        var session = await app.NewSessionAsync();
        var checkedBounds = 0;

        foreach (var ((schemaName, property, keyword), _) in OpenApiRequestSchemaTests.Bounds)
        {
            var field = property.TrimEnd('[', ']');
            var declared = schemas.GetProperty(schemaName).GetProperty("properties").GetProperty(field);
            var bound = (property.EndsWith("[]", StringComparison.Ordinal) ? declared.GetProperty("items") : declared).GetProperty(keyword).GetInt32();

            foreach (var (value, accepted) in new[] { (bound, true), (bound + 1, false) })
            {
                var (method, path, body) = await RequestWithAsync(session, schemaName, field, Value(property, keyword, field, value));
                using var response = await SendAsync(session, method, path, body.ToJsonString());
                if (accepted)
                {
                    Assert.True(response.IsSuccessStatusCode, $"{schemaName}.{property} at its {keyword} {bound}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
                else
                {
                    await ApiAssert.InvalidFieldAsync(response, field);
                }
            }

            checkedBounds++;
        }

        Assert.Equal(OpenApiRequestSchemaTests.Bounds.Count, checkedBounds);
    }

    [Fact]
    public async Task Every_list_operation_refuses_a_limit_outside_its_documented_range_naming_limit()
    {
        var document = await DocumentAsync();
        var session = await app.NewSessionAsync();
        var webhook = await CreateWebhookAsync(session);

        foreach (var list in OpenApiDocuments.Operations(document).Where(o => OpenApiRequestSchemaTests.IsPage(o.Body)))
        {
            var path = list.Path.Replace("{id}", webhook.ToString(), StringComparison.Ordinal) + (list.Id == "SearchMemories" ? "?q=x&" : "?");
            foreach (var limit in new[] { "abc", "0", "101", "-1", "5.5", "" + long.MaxValue })
            {
                using var refused = await session.Client.GetAsync($"{path}limit={limit}");
                var problem = await ApiAssert.InvalidFieldAsync(refused, "limit");
                Assert.Equal("limit must be a whole number from 1 to 100.", problem.GetProperty("errors").GetProperty("limit")[0].GetString());
            }

            foreach (var limit in new[] { "1", "100" })
            {
                using var accepted = await session.Client.GetAsync($"{path}limit={limit}");
                await ApiAssert.StatusAsync(accepted, HttpStatusCode.OK);
            }
        }
    }

    [Fact]
    public async Task A_list_without_limit_answers_the_documented_default_of_20()
    {
        var session = await app.NewSessionAsync();
        for (var i = 0; i < PageRequest.DefaultLimit + 1; i++)
        {
            await session.CreateMemoryAsync($"memory {i}");
        }

        var page = await session.GetJsonAsync("/api/v1/memories");

        Assert.Equal(20, page.GetProperty("data").GetArrayLength());
        Assert.Equal(JsonValueKind.String, page.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task Search_without_q_is_refused_naming_q()
    {
        var session = await app.NewSessionAsync();

        using var response = await session.Client.GetAsync("/api/v1/memories/search?limit=5");

        await ApiAssert.InvalidFieldAsync(response, "q");
    }

    // The API reads numbers strictly: "24" is not the whole number 24. A 400, never a 500.
    [Theory]
    [InlineData("""{"oldSecretExpiresInHours": "24"}""", "oldSecretExpiresInHours")]
    [InlineData("""{"oldSecretExpiresInHours": 24.5}""", "oldSecretExpiresInHours")]
    [InlineData("""{"oldSecretExpiresInHours": 1e400}""", "oldSecretExpiresInHours")]
    public async Task A_number_written_as_text_or_not_whole_is_a_400_naming_the_field(string body, string field)
    {
        var session = await app.NewSessionAsync();
        var webhook = await CreateWebhookAsync(session);

        using var response = await SendAsync(session, HttpMethod.Post, $"/api/v1/webhooks/{webhook}/roll-secret", body);

        await ApiAssert.InvalidFieldAsync(response, field);
    }

    // A value of the wrong JSON type in a typed field (a boolean, a string) is an unreadable body:
    // 400 problem+json, never a 500, and nothing stored.
    [Theory]
    [InlineData("""{"url": "https://example.invalid/hooks/x", "events": ["memory.created"], "enabled": "true"}""")]
    [InlineData("""{"url": "https://example.invalid/hooks/x", "events": ["memory.created"], "enabled": 1}""")]
    [InlineData("""{"url": 5, "events": ["memory.created"]}""")]
    public async Task A_value_of_the_wrong_json_type_is_a_400_and_nothing_is_stored(string body)
    {
        var session = await app.NewSessionAsync();

        using var response = await SendAsync(session, HttpMethod.Post, "/api/v1/webhooks", body);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Empty(await session.ListAsync("/api/v1/webhooks"));
    }

    private Task<JsonElement> DocumentAsync() => OpenApiDocuments.ReadAsync(app);

    private static string[] Required(JsonElement document, string operationId)
    {
        var schema = document.GetProperty("components").GetProperty("schemas").GetProperty(OpenApiRequestSchemaTests.RequestSchemaName(document, operationId));
        return [.. schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()!)];
    }

    private static string Body(IEnumerable<string> fields)
    {
        var body = new JsonObject();
        foreach (var field in fields)
        {
            body[field] = Samples[field].DeepClone();
        }

        return body.ToJsonString();
    }

    // A value of `size` for the bound: a string of that many characters, an array of that many
    // items, or the number itself.
    private static JsonNode Value(string property, string keyword, string field, int size) => keyword switch
    {
        "maximum" => size,
        "maxItems" => new JsonArray([.. Enumerable.Range(1, size).Select(i => (JsonNode)$"tag{i}")]),
        _ when property.EndsWith("[]", StringComparison.Ordinal) => new JsonArray(new string('t', size)),
        _ when field == "url" => "https://example.invalid/" + new string('p', size - "https://example.invalid/".Length),
        _ => new string('x', size),
    };

    // A request to the operation whose body is this schema, valid but for `field` set to `value`.
    private async Task<(HttpMethod Method, string Path, JsonObject Body)> RequestWithAsync(ApiSession session, string schema, string field, JsonNode value)
    {
        JsonObject body = schema switch
        {
            "CreateMemoryRequest" => new() { ["content"] = "text" },
            "CreateKnowledgeRequest" => new() { ["title"] = "title", ["content"] = "text" },
            "CreateWebhookRequest" => new() { ["url"] = "https://example.invalid/hooks/bound", ["events"] = new JsonArray("memory.created") },
            "IngestUrlRequest" => new(),
            _ => [],
        };
        body[field] = value;
        return schema switch
        {
            "CreateMemoryRequest" => (HttpMethod.Post, "/api/v1/memories", body),
            "UpdateMemoryRequest" => (HttpMethod.Patch, $"/api/v1/memories/{(await session.CreateMemoryAsync("before")).GetProperty("id").GetGuid()}", body),
            "CreateKnowledgeRequest" => (HttpMethod.Post, "/api/v1/knowledge", body),
            "UpdateKnowledgeRequest" => (HttpMethod.Patch, $"/api/v1/knowledge/{(await session.CreateKnowledgeAsync("before", "before")).GetProperty("id").GetGuid()}", body),
            "CreateWebhookRequest" => (HttpMethod.Post, "/api/v1/webhooks", body),
            "UpdateWebhookRequest" => (HttpMethod.Patch, $"/api/v1/webhooks/{await CreateWebhookAsync(session)}", body),
            "IngestUrlRequest" => (HttpMethod.Post, "/api/v1/ingest/urls", body),
            "RollWebhookSecretRequest" => (HttpMethod.Post, $"/api/v1/webhooks/{await CreateWebhookAsync(session)}/roll-secret", body),
            _ => throw new InvalidOperationException($"No request for {schema}"),
        };
    }

    private static async Task<Guid> CreateWebhookAsync(ApiSession session)
    {
        using var response = await SendAsync(session, HttpMethod.Post, "/api/v1/webhooks", """{"url": "https://example.invalid/hooks/a", "events": ["memory.created"]}""");
        return (await ApiAssert.JsonAsync(response, HttpStatusCode.Created)).GetProperty("id").GetGuid();
    }

    private static Task<HttpResponseMessage> SendAsync(ApiSession session, DocumentedOperation operation, string body) =>
        SendAsync(session, new HttpMethod(operation.Method.ToUpperInvariant()), operation.Path, body);

    private static async Task<HttpResponseMessage> SendAsync(ApiSession session, HttpMethod method, string path, string json)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        return await session.Client.SendAsync(request);
    }

    public sealed class OnSqlite(MemsolusAppFactory app) : OpenApiRequestContractTests(app), IClassFixture<MemsolusAppFactory>;

    public sealed class OnPostgres(AppFixture<Hosts.Postgres> fixture) : OpenApiRequestContractTests(fixture.App), IClassFixture<AppFixture<Hosts.Postgres>>;
}
