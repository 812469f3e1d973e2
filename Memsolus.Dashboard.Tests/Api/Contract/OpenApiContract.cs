using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Memsolus.Dashboard.Tests.Api.Contract;

// The served OpenAPI document as a contract a response can be checked against: the operations it
// declares, the statuses each may answer, the headers each answer carries and the schema of each
// body. OpenAPI 3.1's schemas are JSON Schema 2020-12, so a body is validated by JsonSchema.Net: a
// response's schema is built with the document's components/schemas as its $defs, so that every
// #/components/schemas/... reference resolves inside it.
internal sealed class OpenApiContract
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

    private readonly JsonObject components;
    private readonly JsonObject headers;
    private readonly Dictionary<string, JsonSchema> schemas = [];
    private readonly Lock schemasLock = new();

    private OpenApiContract(JsonObject document)
    {
        components = document["components"]?["schemas"]?.AsObject() ?? [];
        headers = document["components"]?["headers"]?.AsObject() ?? [];
        Operations = Methods
            .SelectMany(method => (document["paths"]?.AsObject() ?? []).Select(path => (method, path.Key, Operation: path.Value?[method])))
            .Where(o => o.Operation is not null)
            .Select(o => new ContractOperation(
                o.Operation!["operationId"]?.GetValue<string>() ?? $"{o.method} {o.Key}",
                o.method,
                o.Key,
                o.Operation["x-required-permission"]?.GetValue<string>(),
                (o.Operation["responses"]?.AsObject() ?? []).ToDictionary(r => r.Key, r => r.Value!.AsObject())))
            .ToDictionary(o => o.Id);
    }

    public IReadOnlyDictionary<string, ContractOperation> Operations { get; }

    public static async Task<OpenApiContract> LoadAsync(HttpClient anonymous)
    {
        using var response = await anonymous.GetAsync("/openapi/v1.json");
        response.EnsureSuccessStatusCode();
        return new OpenApiContract(JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    // Every way the response differs from what the document says the operation answers; none
    // when it keeps the contract.
    public async Task<IReadOnlyList<string>> ViolationsAsync(string operationId, HttpResponseMessage response)
    {
        var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!Operations.TryGetValue(operationId, out var operation))
        {
            return [$"The document has no operation {operationId}."];
        }

        if (!operation.Responses.TryGetValue(status, out var declared) && !operation.Responses.TryGetValue("default", out declared))
        {
            return [$"{operationId} answered {status}, which the document does not declare (it declares {string.Join(", ", operation.Responses.Keys)})."];
        }

        var violations = new List<string>();
        foreach (var header in RequiredHeaders(declared))
        {
            if (!response.Headers.NonValidated.Contains(header) && !response.Content.Headers.NonValidated.Contains(header))
            {
                violations.Add($"{operationId} {status}: the document declares the required header {header}, which the response lacks.");
            }
        }

        var body = await response.Content.ReadAsByteArrayAsync();
        var content = declared["content"]?.AsObject();
        if (body.Length == 0)
        {
            return violations;
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (content is null || content.Count == 0)
        {
            violations.Add($"{operationId} {status}: the response has a body ({mediaType}, {body.Length} bytes), but the document declares no content.");
            return violations;
        }

        if (mediaType is null || !content.TryGetPropertyValue(mediaType, out var media))
        {
            violations.Add($"{operationId} {status}: the response is {mediaType ?? "without a media type"}, but the document declares only {string.Join(", ", content.Select(c => c.Key))}.");
            return violations;
        }

        if (!IsJson(mediaType) || media?["schema"] is not JsonObject schemaNode)
        {
            return violations;
        }

        JsonElement instance;
        try
        {
            using var parsed = JsonDocument.Parse(body);
            instance = parsed.RootElement.Clone();
        }
        catch (JsonException e)
        {
            violations.Add($"{operationId} {status}: the {mediaType} body is not JSON: {e.Message}");
            return violations;
        }

        var results = Schema($"{operationId}/{status}/{mediaType}", schemaNode).Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (!results.IsValid)
        {
            var errors = (results.Details ?? [])
                .Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Value}"))
                .Take(10);
            violations.Add($"{operationId} {status}: the body does not match its schema: {string.Join("; ", errors)}. Body: {Truncate(instance.GetRawText())}");
        }

        return violations;
    }

    // The headers an answer must carry: those declared with required: true, directly or through
    // #/components/headers (an optional one, such as RateLimit for a key without a limit, may be absent).
    public IEnumerable<string> RequiredHeaders(JsonObject declared) =>
        (declared["headers"]?.AsObject() ?? [])
            .Where(h => (h.Value?["$ref"]?.GetValue<string>() is { } reference ? headers[reference.Split('/')[^1]] : h.Value)?["required"]?.GetValue<bool>() == true)
            .Select(h => h.Key);

    private static bool IsJson(string mediaType) =>
        mediaType == "application/json" || mediaType.EndsWith("+json", StringComparison.Ordinal);

    private static string Truncate(string text) => text.Length <= 2000 ? text : text[..2000] + "…";

    private readonly string instance = Guid.NewGuid().ToString("N");

    private JsonSchema Schema(string key, JsonObject schema)
    {
        lock (schemasLock)
        {
            if (schemas.TryGetValue(key, out var built))
            {
                return built;
            }

            var root = new JsonObject
            {
                ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
                ["$defs"] = components.DeepClone(),
                ["allOf"] = new JsonArray(schema.DeepClone()),
            };
            var text = root.ToJsonString().Replace("\"#/components/schemas/", "\"#/$defs/", StringComparison.Ordinal);
            // Under this document's own base: JsonSchema.Net registers every schema it builds by its
            // URI, process-wide, and refuses a second schema under one URI (the SQLite and the
            // PostgreSQL suite each read a document and build the same keys).
            built = JsonSchema.FromText(text, new BuildOptions(), new Uri($"https://contract.memsolus.invalid/{instance}/{Uri.EscapeDataString(key)}"));
            schemas[key] = built;
            return built;
        }
    }
}

internal sealed record ContractOperation(string Id, string Method, string Path, string? RequiredPermission, IReadOnlyDictionary<string, JsonObject> Responses);
