using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json.Nodes;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Exports;
using Memsolus.Dashboard.Ingestion;
using Memsolus.Dashboard.Memories;
using Memsolus.Dashboard.Usage;
using Memsolus.Dashboard.Webhooks;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Memsolus.Dashboard.Api;

// What /openapi/v1.json says about request and answer fields beyond what the generator reads from
// the records: the closed sets a string takes (from the code's own lists), the fields read as raw
// JSON so a wrong type is a per-field error (metadata, an export's format and include, a roll's
// hours) typed as what the server accepts, bounds no attribute can carry (each tag's length), and
// the query parameters the endpoints parse themselves (limit, cursor, q). Each number here is the
// constant the server checks against.
//
// The lengths and counts themselves come from DataAnnotations attributes on the request records,
// which Microsoft.AspNetCore.OpenApi reads; the endpoints still check them (ValidationErrors), and
// AddValidation() is not registered: on public records it answers PascalCase keys ("Content") with
// the framework's messages and measures text before trimming, where every other 400 of the API
// names camelCase fields in its own words and measures trimmed text (on internal records it finds
// nothing to validate at all).
internal static class OpenApiSchemas
{
    private static readonly IReadOnlyList<string> Environments = Enum.GetValues<ApiKeyEnvironment>().Select(e => e.Name()).ToList();
    private static readonly IReadOnlyList<string> PermissionNames = Permissions.All.Select(p => p.Name).ToList();

    // Per record: the JSON name of a string (or array of strings) field and the values it takes.
    private static readonly Dictionary<Type, (string Property, IReadOnlyList<string> Values)[]> Enums = new()
    {
        [typeof(MeDto)] = [("environment", Environments), ("permissions", PermissionNames), ("withheldPermissions", PermissionNames)],
        [typeof(KeyUsage)] = [("environment", Environments)],
        [typeof(KeyAlert)] = [("type", KeyAlertTypes.All), ("severity", KeyAlertSeverities.All), ("environment", Environments), ("action", KeyAlertActions.All)],
        [typeof(ExportDto)] = [("format", ExportValues.Formats), ("include", ExportValues.Contents), ("status", ExportValues.Statuses)],
        [typeof(IngestJobDto)] =
        [
            ("kind", Enum.GetValues<IngestJobKind>().Select(IngestJobStore.KindName).ToList()),
            ("status", Enum.GetValues<IngestJobStatus>().Select(IngestJobStore.StatusName).ToList()),
        ],
        [typeof(WebhookDto)] = [("events", WebhookEventTypes.All)],
        [typeof(CreatedWebhookDto)] = [("events", WebhookEventTypes.All)],
        [typeof(CreateWebhookRequest)] = [("events", WebhookEventTypes.All)],
        [typeof(UpdateWebhookRequest)] = [("events", WebhookEventTypes.All)],
        [typeof(WebhookDeliveryDto)] =
        [
            ("event", [.. WebhookEventTypes.All, WebhookEventTypes.Ping]),
            ("status", Enum.GetValues<WebhookDeliveryStatus>().Select(WebhookStore.StatusName).ToList()),
        ],
    };

    public static Task TransformSchemaAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo is not null || schema.Properties is not { } properties)
        {
            return Task.CompletedTask;
        }

        var type = context.JsonTypeInfo.Type;

        // A field the endpoint requires is refused when null as when missing ("content is required.").
        foreach (var property in context.JsonTypeInfo.Properties)
        {
            if (property.AttributeProvider?.IsDefined(typeof(RequiredAttribute), inherit: true) == true
                && properties.TryGetValue(property.Name, out var required) && required is OpenApiSchema inline)
            {
                inline.Type &= ~JsonSchemaType.Null;
                schema.Required ??= new HashSet<string>(StringComparer.Ordinal);
                schema.Required.Add(property.Name);
            }
        }

        if (Enums.TryGetValue(type, out var enums))
        {
            foreach (var (name, values) in enums)
            {
                var field = (OpenApiSchema)properties[name];
                var target = field.Type?.HasFlag(JsonSchemaType.Array) == true ? (OpenApiSchema)field.Items! : field;
                target.Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v)), .. NullIf(target)];
            }
        }

        if (type == typeof(CreateMemoryRequest) || type == typeof(UpdateMemoryRequest))
        {
            var items = (OpenApiSchema)((OpenApiSchema)properties["tags"]).Items!;
            items.MinLength = 1;
            items.MaxLength = Memory.MaxTagLength;
            properties["metadata"] = FreeFormObject(nullable: true,
                $"Any JSON object of at most {Memory.MaxMetadataBytes / 1024} KB, nesting at most {Memory.MaxMetadataDepth} levels; kept as written.");
        }
        else if (type == typeof(MemoryDto))
        {
            properties["metadata"] = FreeFormObject(nullable: false, "The memory's metadata as written; {} when it has none.");
        }
        else if (type == typeof(DayUsage))
        {
            // Every outcome is always there, 0 when the key had none that day.
            properties["outcomes"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Properties = UsageOutcomes.All.ToDictionary(o => o, _ => (IOpenApiSchema)new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "0" }),
                Required = new HashSet<string>(UsageOutcomes.All, StringComparer.Ordinal),
                AdditionalPropertiesAllowed = false,
            };
        }
        else if (type == typeof(CreateExportRequest))
        {
            properties["format"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String | JsonSchemaType.Null,
                Enum = [.. ExportValues.Formats.Select(v => (JsonNode)JsonValue.Create(v)), null!],
                Default = JsonValue.Create(ExportValues.Json),
            };
            properties["include"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array | JsonSchemaType.Null,
                MinItems = 1,
                Items = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. ExportValues.Contents.Select(v => (JsonNode)JsonValue.Create(v))] },
                Default = new JsonArray([.. ExportValues.Contents.Select(v => (JsonNode)JsonValue.Create(v))]),
            };
        }
        else if (type == typeof(RollWebhookSecretRequest))
        {
            properties["oldSecretExpiresInHours"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Integer | JsonSchemaType.Null,
                Format = "int32",
                Minimum = "0",
                Maximum = Webhook.MaxOldSecretHours.ToString(CultureInfo.InvariantCulture),
                Default = JsonValue.Create(Webhook.DefaultOldSecretHours),
            };
            // A field it does not know is refused (RollWebhookSecretRequest.Unknown).
            schema.AdditionalPropertiesAllowed = false;
        }

        return Task.CompletedTask;
    }

    // limit, cursor and q are bound as text and parsed by the endpoint (PageRequest, SearchQuery),
    // so that a bad value is a 400 naming the field with the API's own message.
    public static Task TransformOperationAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter.In != ParameterLocation.Query)
            {
                continue;
            }

            switch (parameter.Name)
            {
                case "limit":
                    parameter.Description = $"How many items to return: 1 to {PageRequest.MaxLimit}, {PageRequest.DefaultLimit} when left out.";
                    parameter.Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Integer,
                        Format = "int32",
                        Minimum = "1",
                        Maximum = PageRequest.MaxLimit.ToString(CultureInfo.InvariantCulture),
                        Default = JsonValue.Create(PageRequest.DefaultLimit),
                    };
                    break;
                case "cursor":
                    parameter.Description = "The nextCursor of the previous page; left out for the first page.";
                    parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String };
                    break;
                case "q":
                    parameter.Required = true;
                    parameter.Description = $"The text to search for: 1 to {SearchQuery.MaxLength} characters once trimmed, one line.";
                    parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = SearchQuery.MaxLength };
                    break;
            }
        }

        return Task.CompletedTask;
    }

    private static OpenApiSchema FreeFormObject(bool nullable, string description) => new()
    {
        Type = nullable ? JsonSchemaType.Object | JsonSchemaType.Null : JsonSchemaType.Object,
        AdditionalPropertiesAllowed = true,
        Description = description,
    };

    // An enum on a field that may be null must list null too, or null would not validate.
    private static IEnumerable<JsonNode> NullIf(OpenApiSchema field) =>
        field.Type?.HasFlag(JsonSchemaType.Null) == true ? [null!] : [];
}
