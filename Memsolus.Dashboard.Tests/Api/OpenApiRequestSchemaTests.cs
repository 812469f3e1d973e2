using System.Text.Json;
using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Exports;
using Memsolus.Dashboard.Ingestion;
using Memsolus.Dashboard.Knowledge;
using Memsolus.Dashboard.Memories;
using Memsolus.Dashboard.Usage;
using Memsolus.Dashboard.Webhooks;

namespace Memsolus.Dashboard.Tests.Api;

// docs/api.md, "Types, bounds and required fields": what /openapi/v1.json says a request may hold
// is what the server accepts. These walk the whole document; OpenApiRequestContractTests sends
// what it says to the server.
public sealed class OpenApiRequestSchemaTests(MemsolusAppFactory app) : IClassFixture<MemsolusAppFactory>
{
    // Every string field whose values come from a fixed list in the code, with that list; every
    // other plain string field is free text (FreeText below).
    private static readonly string[] EnvironmentNames = ["live", "test"];
    private static readonly string[] PermissionNames = [.. Permissions.All.Select(p => p.Name)];
    private static readonly string[] ProblemCodes = [ApiMiddleware.IpNotAllowedCode, ApiMiddleware.QuarantinedCode, ApiMiddleware.RateLimitedCode];

    public static readonly Dictionary<(string Schema, string Property), string[]> ClosedSets = new()
    {
        [("MeDto", "environment")] = EnvironmentNames,
        [("MeDto", "permissions")] = PermissionNames,
        [("MeDto", "withheldPermissions")] = PermissionNames,
        [("KeyUsage", "environment")] = EnvironmentNames,
        [("KeyAlert", "type")] = [KeyAlertTypes.FailedRequests, KeyAlertTypes.FullAccess, KeyAlertTypes.ExpiringSoon, KeyAlertTypes.RotationDue, KeyAlertTypes.Unused, KeyAlertTypes.NeverUsed],
        [("KeyAlert", "severity")] = [KeyAlertSeverities.Error, KeyAlertSeverities.Warning, KeyAlertSeverities.Info],
        [("KeyAlert", "environment")] = EnvironmentNames,
        [("KeyAlert", "action")] = [KeyAlertActions.Rotate, KeyAlertActions.Revoke, KeyAlertActions.Edit],
        [("ExportDto", "format")] = [ExportValues.Json, ExportValues.Ndjson],
        [("ExportDto", "include")] = [ExportValues.Memories, ExportValues.Knowledge],
        [("ExportDto", "status")] = ["queued", "running", "succeeded", "failed", "expired"],
        [("CreateExportRequest", "format")] = [ExportValues.Json, ExportValues.Ndjson],
        [("CreateExportRequest", "include")] = [ExportValues.Memories, ExportValues.Knowledge],
        [("IngestJobDto", "kind")] = ["files", "url"],
        [("IngestJobDto", "status")] = ["queued", "running", "succeeded", "partial", "failed"],
        [("WebhookDto", "events")] = [.. WebhookEventTypes.All],
        [("CreatedWebhookDto", "events")] = [.. WebhookEventTypes.All],
        [("CreateWebhookRequest", "events")] = [.. WebhookEventTypes.All],
        [("UpdateWebhookRequest", "events")] = [.. WebhookEventTypes.All],
        [("WebhookDeliveryDto", "event")] = [.. WebhookEventTypes.All, WebhookEventTypes.Ping],
        [("WebhookDeliveryDto", "status")] = ["pending", "succeeded", "failed", "canceled"],
        [("ProblemDetails", "code")] = ProblemCodes,
        [("ProblemDetails", "requiredPermission")] = PermissionNames,
        [("HttpValidationProblemDetails", "code")] = ProblemCodes,
        [("HttpValidationProblemDetails", "requiredPermission")] = PermissionNames,
    };

    // Text that is whatever the caller or the data says: names, contents, messages, URLs, secrets.
    private static readonly string[] FreeText =
    [
        "content", "title", "source", "url", "description", "secret", "name", "displayKey", "keyName", "message",
        "error", "fileName", "downloadUrl", "nextCursor", "item", "tags", "unreadable", "type", "detail", "instance",
        "traceId", "clientAddress",
    ];

    // Each bound a request body declares, with the constant the server checks it against.
    public static readonly Dictionary<(string Schema, string Property, string Keyword), int> Bounds = new()
    {
        [("CreateMemoryRequest", "content", "maxLength")] = Memory.MaxContentLength,
        [("CreateMemoryRequest", "tags", "maxItems")] = Memory.MaxTags,
        [("CreateMemoryRequest", "tags[]", "maxLength")] = Memory.MaxTagLength,
        [("UpdateMemoryRequest", "content", "maxLength")] = Memory.MaxContentLength,
        [("UpdateMemoryRequest", "tags", "maxItems")] = Memory.MaxTags,
        [("UpdateMemoryRequest", "tags[]", "maxLength")] = Memory.MaxTagLength,
        [("CreateKnowledgeRequest", "title", "maxLength")] = KnowledgeEntry.MaxTitleLength,
        [("CreateKnowledgeRequest", "content", "maxLength")] = KnowledgeEntry.MaxContentLength,
        [("CreateKnowledgeRequest", "source", "maxLength")] = KnowledgeEntry.MaxSourceLength,
        [("UpdateKnowledgeRequest", "title", "maxLength")] = KnowledgeEntry.MaxTitleLength,
        [("UpdateKnowledgeRequest", "content", "maxLength")] = KnowledgeEntry.MaxContentLength,
        [("UpdateKnowledgeRequest", "source", "maxLength")] = KnowledgeEntry.MaxSourceLength,
        [("CreateWebhookRequest", "url", "maxLength")] = Webhook.MaxUrlLength,
        [("CreateWebhookRequest", "description", "maxLength")] = Webhook.MaxDescriptionLength,
        [("UpdateWebhookRequest", "url", "maxLength")] = Webhook.MaxUrlLength,
        [("UpdateWebhookRequest", "description", "maxLength")] = Webhook.MaxDescriptionLength,
        [("IngestUrlRequest", "url", "maxLength")] = IngestJob.MaxUrlLength,
        [("RollWebhookSecretRequest", "oldSecretExpiresInHours", "maximum")] = Webhook.MaxOldSecretHours,
    };

    // The fields each create operation cannot do without; every other body field is optional.
    public static readonly Dictionary<string, string[]> RequiredFields = new()
    {
        ["CreateMemory"] = ["content"],
        ["CreateKnowledge"] = ["title", "content"],
        ["CreateWebhook"] = ["url", "events"],
        ["IngestUrl"] = ["url"],
        ["CreateExport"] = [],
        ["RollWebhookSecret"] = [],
        ["UpdateMemory"] = [],
        ["UpdateKnowledge"] = [],
        ["UpdateWebhook"] = [],
    };

    [Fact]
    public async Task No_value_anywhere_is_typed_integer_or_string()
    {
        var document = await DocumentAsync();

        foreach (var (where, node) in Walk(document, "#"))
        {
            if (node.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Array)
            {
                var names = type.EnumerateArray().Select(t => t.GetString()).ToList();
                Assert.False(names.Contains("string") && (names.Contains("integer") || names.Contains("number")), $"{where} is typed {type}");
            }

            if (node.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.String && format.GetString() is "int32" or "int64")
            {
                Assert.False(node.TryGetProperty("pattern", out _), $"{where} is a number with a pattern for its text form");
            }
        }
    }

    [Fact]
    public async Task No_schema_anywhere_is_the_empty_schema()
    {
        var document = await DocumentAsync();
        var schemas = 0;

        foreach (var (where, schema) in Schemas(document))
        {
            schemas++;
            Assert.True(schema.EnumerateObject().Any(), $"{where} is the empty schema {{}}: it says nothing of the value");
        }

        Assert.True(schemas > 100, $"only {schemas} schemas found");
    }

    [Fact]
    public async Task Every_list_operation_takes_limit_as_an_integer_from_1_to_100_defaulting_to_20_and_cursor_as_a_string()
    {
        var document = await DocumentAsync();

        var lists = OpenApiDocuments.Operations(document).Where(o => IsPage(o.Body)).ToList();

        Assert.Equal(7, lists.Count);
        foreach (var (id, _, _, operation) in lists)
        {
            var limit = QueryParameter(operation, "limit");
            Assert.False(limit.TryGetProperty("required", out var required) && required.GetBoolean(), $"{id}: limit is optional");
            var schema = limit.GetProperty("schema");
            Assert.Equal("integer", schema.GetProperty("type").GetString());
            Assert.Equal(1, schema.GetProperty("minimum").GetInt32());
            Assert.Equal(PageRequest.MaxLimit, schema.GetProperty("maximum").GetInt32());
            Assert.Equal(PageRequest.DefaultLimit, schema.GetProperty("default").GetInt32());
            Assert.Equal(100, PageRequest.MaxLimit);
            Assert.Equal(20, PageRequest.DefaultLimit);
            Assert.Equal("string", QueryParameter(operation, "cursor").GetProperty("schema").GetProperty("type").GetString());
        }
    }

    [Fact]
    public async Task Search_requires_q_with_the_length_the_server_checks()
    {
        var document = await DocumentAsync();

        var search = OpenApiDocuments.Operations(document).Single(o => o.Id == "SearchMemories").Body;

        var q = QueryParameter(search, "q");
        Assert.True(q.TryGetProperty("required", out var required) && required.GetBoolean(), "q is not marked required");
        Assert.Equal("string", q.GetProperty("schema").GetProperty("type").GetString());
        Assert.Equal(1, q.GetProperty("schema").GetProperty("minLength").GetInt32());
        Assert.Equal(SearchQuery.MaxLength, q.GetProperty("schema").GetProperty("maxLength").GetInt32());
    }

    [Fact]
    public async Task Every_closed_set_of_strings_has_an_enum_equal_to_the_codes_set_and_every_other_string_is_free_text()
    {
        var document = await DocumentAsync();

        var seen = new HashSet<(string, string)>();
        foreach (var schema in document.GetProperty("components").GetProperty("schemas").EnumerateObject())
        {
            if (!schema.Value.TryGetProperty("properties", out var properties))
            {
                continue;
            }

            foreach (var property in properties.EnumerateObject())
            {
                var value = property.Value;
                var isArray = Types(value).Contains("array");
                var strings = isArray ? value.GetProperty("items") : value;
                if (!Types(strings).Contains("string") || strings.TryGetProperty("format", out _))
                {
                    continue;
                }

                var key = (schema.Name, property.Name);
                if (ClosedSets.TryGetValue(key, out var expected))
                {
                    seen.Add(key);
                    Assert.True(strings.TryGetProperty("enum", out var values), $"{schema.Name}.{property.Name} has no enum");
                    Assert.Equal(expected.Order(), values.EnumerateArray().Where(v => v.ValueKind != JsonValueKind.Null).Select(v => v.GetString()!).Order());
                    if (Types(strings).Contains("null"))
                    {
                        Assert.Contains(values.EnumerateArray(), v => v.ValueKind == JsonValueKind.Null);
                    }
                }
                else
                {
                    Assert.True(FreeText.Contains(property.Name), $"{schema.Name}.{property.Name} is a string with no enum: a closed set (ClosedSets) or free text (FreeText)?");
                    Assert.False(strings.TryGetProperty("enum", out _), $"{schema.Name}.{property.Name} has an enum this test does not check");
                }
            }
        }

        Assert.Equal(ClosedSets.Keys.Order(), seen.Order());
    }

    [Fact]
    public async Task Each_request_body_requires_exactly_the_fields_the_server_requires_and_says_null_only_where_it_accepts_it()
    {
        var document = await DocumentAsync();

        var bodies = OpenApiDocuments.Operations(document)
            .Where(o => o.Body.TryGetProperty("requestBody", out var body) && body.GetProperty("content").TryGetProperty("application/json", out _))
            .ToDictionary(o => o.Id, o => RequestSchema(document, o.Body));

        Assert.Equal(RequiredFields.Keys.Order(), bodies.Keys.Order());
        foreach (var (id, schema) in bodies)
        {
            var required = schema.TryGetProperty("required", out var list) ? list.EnumerateArray().Select(r => r.GetString()!).ToArray() : [];
            Assert.Equal(RequiredFields[id].Order(), required.Order());
            foreach (var property in schema.GetProperty("properties").EnumerateObject())
            {
                // A required field is refused when null; every optional field may be null (left as it is).
                Assert.Equal(!required.Contains(property.Name), Types(property.Value).Contains("null"));
            }
        }

        Assert.All(OpenApiDocuments.Operations(document).Where(o => o.Method == "patch"), patch => Assert.Empty(RequiredFields[patch.Id]));
    }

    [Fact]
    public async Task Metadata_is_an_object_with_free_form_properties_and_an_exports_format_and_include_are_typed()
    {
        var document = await DocumentAsync();
        var schemas = document.GetProperty("components").GetProperty("schemas");

        foreach (var name in new[] { "CreateMemoryRequest", "UpdateMemoryRequest", "MemoryDto" })
        {
            var metadata = schemas.GetProperty(name).GetProperty("properties").GetProperty("metadata");
            Assert.Contains("object", Types(metadata));
            Assert.False(metadata.TryGetProperty("properties", out _));
            Assert.False(metadata.TryGetProperty("additionalProperties", out var more) && more.ValueKind == JsonValueKind.False);
        }

        var export = schemas.GetProperty("CreateExportRequest").GetProperty("properties");
        Assert.Contains("string", Types(export.GetProperty("format")));
        Assert.Equal(ExportValues.Json, export.GetProperty("format").GetProperty("default").GetString());
        Assert.Contains("array", Types(export.GetProperty("include")));
        Assert.Equal(1, export.GetProperty("include").GetProperty("minItems").GetInt32());
        var hours = schemas.GetProperty("RollWebhookSecretRequest");
        Assert.Contains("integer", Types(hours.GetProperty("properties").GetProperty("oldSecretExpiresInHours")));
        Assert.Equal(Webhook.DefaultOldSecretHours, hours.GetProperty("properties").GetProperty("oldSecretExpiresInHours").GetProperty("default").GetInt32());
        Assert.Equal(JsonValueKind.False, hours.GetProperty("additionalProperties").ValueKind);
    }

    [Fact]
    public async Task A_days_usage_names_every_outcome_the_code_counts_and_no_other()
    {
        var document = await DocumentAsync();

        var outcomes = document.GetProperty("components").GetProperty("schemas").GetProperty("DayUsage").GetProperty("properties").GetProperty("outcomes");

        Assert.Equal(UsageOutcomes.All.Order(), outcomes.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(UsageOutcomes.All.Order(), outcomes.GetProperty("required").EnumerateArray().Select(r => r.GetString()!).Order());
        Assert.Equal(JsonValueKind.False, outcomes.GetProperty("additionalProperties").ValueKind);
        Assert.All(outcomes.GetProperty("properties").EnumerateObject(), p => Assert.Equal("integer", p.Value.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Every_bound_a_request_body_declares_is_the_constant_the_server_checks()
    {
        var document = await DocumentAsync();
        var schemas = document.GetProperty("components").GetProperty("schemas");

        var declared = new Dictionary<(string, string, string), int>();
        foreach (var name in RequiredFields.Keys.Select(id => RequestSchemaName(document, id)).Distinct())
        {
            foreach (var property in schemas.GetProperty(name).GetProperty("properties").EnumerateObject())
            {
                Collect(name, property.Name, property.Value);
                if (property.Value.TryGetProperty("items", out var items))
                {
                    Collect(name, property.Name + "[]", items);
                }
            }
        }

        Assert.Equal(Bounds.OrderBy(b => b.Key.ToString()), declared.OrderBy(b => b.Key.ToString()));

        void Collect(string schema, string property, JsonElement value)
        {
            foreach (var keyword in new[] { "maxLength", "maxItems", "maximum" })
            {
                if (value.TryGetProperty(keyword, out var bound))
                {
                    declared[(schema, property, keyword)] = bound.GetInt32();
                }
            }
        }
    }

    private Task<JsonElement> DocumentAsync() => OpenApiDocuments.ReadAsync(app);

    internal static bool IsPage(JsonElement operation) =>
        operation.GetProperty("responses").TryGetProperty("200", out var ok)
        && ok.TryGetProperty("content", out var content)
        && content.TryGetProperty("application/json", out var json)
        && json.GetProperty("schema").TryGetProperty("$ref", out var reference)
        && reference.GetString()!.StartsWith("#/components/schemas/PageOf", StringComparison.Ordinal);

    internal static JsonElement QueryParameter(JsonElement operation, string name) =>
        operation.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("in").GetString() == "query" && p.GetProperty("name").GetString() == name);

    // The component a JSON request body refers to, directly or as the non-null choice of a oneOf.
    internal static string RequestSchemaName(JsonElement document, string operationId)
    {
        var operation = OpenApiDocuments.Operations(document).Single(o => o.Id == operationId).Body;
        var schema = operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        var reference = schema.TryGetProperty("$ref", out var direct)
            ? direct
            : schema.GetProperty("oneOf").EnumerateArray().Single(s => s.TryGetProperty("$ref", out _)).GetProperty("$ref");
        return reference.GetString()!.Split('/')[^1];
    }

    private static JsonElement RequestSchema(JsonElement document, JsonElement operation)
    {
        var id = operation.GetProperty("operationId").GetString()!;
        return document.GetProperty("components").GetProperty("schemas").GetProperty(RequestSchemaName(document, id));
    }

    internal static string[] Types(JsonElement schema) =>
        !schema.TryGetProperty("type", out var type) ? []
        : type.ValueKind == JsonValueKind.Array ? [.. type.EnumerateArray().Select(t => t.GetString()!)]
        : [type.GetString()!];

    // Every object in the document, with where it is.
    private static IEnumerable<(string Where, JsonElement Node)> Walk(JsonElement node, string where)
    {
        if (node.ValueKind == JsonValueKind.Object)
        {
            yield return (where, node);
            foreach (var property in node.EnumerateObject())
            {
                foreach (var inner in Walk(property.Value, $"{where}/{property.Name}"))
                {
                    yield return inner;
                }
            }
        }
        else if (node.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in node.EnumerateArray())
            {
                foreach (var inner in Walk(item, $"{where}/{i++}"))
                {
                    yield return inner;
                }
            }
        }
    }

    // Every schema object: components, parameter and media-type schemas, and inside them items,
    // property values, additionalProperties and the choices of oneOf, anyOf and allOf.
    private static IEnumerable<(string Where, JsonElement Schema)> Schemas(JsonElement document)
    {
        foreach (var (where, node) in Walk(document, "#"))
        {
            foreach (var property in node.EnumerateObject())
            {
                var at = $"{where}/{property.Name}";
                switch (property.Name)
                {
                    case "schema" or "items" or "additionalProperties" when property.Value.ValueKind == JsonValueKind.Object:
                        yield return (at, property.Value);
                        break;
                    case "oneOf" or "anyOf" or "allOf":
                        foreach (var choice in property.Value.EnumerateArray())
                        {
                            yield return (at, choice);
                        }

                        break;
                    case "properties" when where.Contains("/schemas/", StringComparison.Ordinal) || where.EndsWith("/schema", StringComparison.Ordinal):
                    case "schemas" when where == "#/components":
                        foreach (var inner in property.Value.EnumerateObject())
                        {
                            yield return ($"{at}/{inner.Name}", inner.Value);
                        }

                        break;
                }
            }
        }
    }
}
