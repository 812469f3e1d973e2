using System.Text.Json;
using System.Text.Json.Nodes;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Exports;
using Memsolus.Dashboard.Ingestion;
using Memsolus.Dashboard.Knowledge;
using Memsolus.Dashboard.Memories;
using Memsolus.Dashboard.Usage;
using Memsolus.Dashboard.Webhooks;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Memsolus.Dashboard.Api;

// An example for every operation of the OpenAPI document: its request body, written as a client
// would send it, and its success answer, made of the very answer types the endpoints return and
// written by the API's own serializer, so an example cannot drift from what the API sends. Keys
// appear only in their display form (msk_live_AbCd…wXyZ), secrets only by their prefix.
internal sealed class ApiExamples(IOptions<HttpJsonOptions> json) : IOpenApiDocumentTransformer
{
    public static readonly Guid MemoryId = new("0f8fad5b-d9cb-469f-a165-70867728950e");
    private static readonly Guid KeyId = new("7c9e6679-7425-40de-944b-e07fc1f90ae7");
    private static readonly Guid KnowledgeId = new("3d1f4a2e-8b6c-4f0e-9a57-2c4d6e8f0a1b");
    private static readonly Guid WebhookId = new("9b2e7f4c-1a3d-4e5f-8a6b-7c8d9e0f1a2b");
    private static readonly Guid DeliveryId = new("5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d");
    private static readonly Guid EventId = new("c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f");
    private static readonly Guid ExportId = new("e4f5a6b7-c8d9-4e0f-9a1b-2c3d4e5f6a7b");
    private static readonly Guid JobId = new("a7b8c9d0-e1f2-4a3b-8c4d-5e6f7a8b9c0d");
    private static readonly DateTimeOffset Created = new(2026, 3, 10, 9, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Updated = Created.AddHours(2);
    private const string OperationId = "x-aspnetcore-id";

    // Request bodies by operation id, as JSON a client writes: independent of how the request types
    // are declared, and each one a request the API accepts.
    private static readonly Dictionary<string, string> Requests = new()
    {
        ["CreateMemory"] = """{"content":"The customer prefers email over phone calls.","tags":["crm","preferences"],"metadata":{"source":"call","priority":2}}""",
        ["UpdateMemory"] = """{"tags":["crm","vip"]}""",
        ["CreateKnowledge"] = """{"title":"Refund policy","content":"Refunds are possible within 30 days of purchase.","source":"handbook"}""",
        ["UpdateKnowledge"] = """{"content":"Refunds are possible within 60 days of purchase."}""",
        ["CreateWebhook"] = """{"url":"https://hooks.example.com/memsolus","events":["memory.created","memory.updated"],"description":"CRM sync","enabled":true}""",
        ["UpdateWebhook"] = """{"enabled":false}""",
        ["RollWebhookSecret"] = """{"oldSecretExpiresInHours":24}""",
        ["CreateExport"] = """{"format":"ndjson","include":["memories","knowledge"]}""",
        ["IngestUrl"] = """{"url":"https://docs.example.com/handbook/refunds"}""",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var descriptions = context.DescriptionGroups.SelectMany(g => g.Items).ToDictionary(d => d.ActionDescriptor.Id);
        foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>()))
        {
            if (operation.OperationId is { } id && Requests.TryGetValue(id, out var request)
                && operation.RequestBody?.Content?.TryGetValue("application/json", out var body) == true && body is OpenApiMediaType media)
            {
                media.Example = JsonNode.Parse(request);
            }

            if (operation.Metadata?.TryGetValue(OperationId, out var key) != true || key is not string descriptionId)
            {
                continue;
            }

            foreach (var type in descriptions[descriptionId].SupportedResponseTypes.Where(t => t.StatusCode is >= 200 and < 300 && t.Type is not null))
            {
                if (operation.Responses?.TryGetValue(type.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response) == true
                    && response.Content?.TryGetValue("application/json", out var content) == true && content is OpenApiMediaType answer
                    && Answer(operation.OperationId, type.Type!) is { } example)
                {
                    answer.Example = JsonSerializer.SerializeToNode(example, type.Type!, json.Value.SerializerOptions);
                }
            }
        }

        return Task.CompletedTask;
    }

    // What an operation answers on success; where one answer type serves several operations, the
    // operation that starts a job answers it queued.
    private static object? Answer(string? operationId, Type type) => (operationId, type) switch
    {
        ("CreateExport", _) => Export("queued"),
        ("IngestFiles", _) => IngestJob("files", "queued", null),
        ("IngestUrl", _) => IngestJob("url", "queued", "https://docs.example.com/handbook/refunds"),
        ("TestWebhook", _) => Delivery(WebhookEventTypes.Ping, "pending"),
        ("RedeliverWebhookDelivery", _) => Delivery(WebhookEventTypes.MemoryCreated, "pending"),
        (_, { IsGenericType: true } page) when page.GetGenericTypeDefinition() == typeof(Page<>) => PageOf(page.GetGenericArguments()[0]),
        _ => One(type),
    };

    private static object? PageOf(Type item)
    {
        if (One(item) is not { } example)
        {
            return null;
        }

        var items = Array.CreateInstance(item, 1);
        items.SetValue(example, 0);
        return Activator.CreateInstance(typeof(Page<>).MakeGenericType(item), items, PageRequest.EncodeCursor(41));
    }

    private static object? One(Type type) => type.Name switch
    {
        nameof(MeDto) => new MeDto(KeyId, "production-agent", "live", [Permissions.MemoryRead, Permissions.MemoryWrite, Permissions.KnowledgeRead],
            new DateTimeOffset(2027, 3, 10, 0, 0, 0, TimeSpan.Zero), false, []),
        nameof(MemoryDto) => new MemoryDto(MemoryId, "The customer prefers email over phone calls.", ["crm", "preferences"],
            JsonDocument.Parse("""{"source":"call","priority":2}""").RootElement.Clone(), Created, Updated),
        nameof(KnowledgeDto) => new KnowledgeDto(KnowledgeId, "Refund policy", "Refunds are possible within 30 days of purchase.", "handbook", Created, Updated),
        nameof(WebhookDto) => new WebhookDto(WebhookId, "https://hooks.example.com/memsolus", [WebhookEventTypes.MemoryCreated, WebhookEventTypes.MemoryUpdated],
            "CRM sync", true, Created, Created),
        nameof(CreatedWebhookDto) => new CreatedWebhookDto(WebhookId, "https://hooks.example.com/memsolus", [WebhookEventTypes.MemoryCreated, WebhookEventTypes.MemoryUpdated],
            "CRM sync", true, Created, Created, $"{WebhookSecrets.Prefix}…"),
        nameof(RolledWebhookSecretDto) => new RolledWebhookSecretDto(WebhookId, $"{WebhookSecrets.Prefix}…", Updated.AddHours(24)),
        nameof(WebhookDeliveryDto) => Delivery(WebhookEventTypes.MemoryCreated, "succeeded"),
        nameof(ExportDto) => Export("succeeded"),
        nameof(IngestJobDto) => IngestJob("url", "succeeded", "https://docs.example.com/handbook/refunds"),
        nameof(UsageReport) => Usage(),
        nameof(KeyAlertList) => new KeyAlertList([new KeyAlert(KeyAlertTypes.RotationDue, KeyAlertSeverities.Warning, KeyId, "production-agent", "live",
            "Created 92 days ago, on Dec 8, 2025. Rotate keys regularly: rotate it, update its integration, and let the old key stop.", KeyAlertActions.Rotate)]),
        _ => null,
    };

    private static WebhookDeliveryDto Delivery(string eventType, string status) => status == "pending"
        ? new WebhookDeliveryDto(DeliveryId, EventId, eventType, status, 0, null, null, null, Updated, Updated, [])
        : new WebhookDeliveryDto(DeliveryId, EventId, eventType, status, 1, 200, 142, null, null, Created,
            [new WebhookAttemptDto(1, Created.AddSeconds(1), 200, 142, null, null)]);

    private static ExportDto Export(string status) => status == "queued"
        ? new ExportDto(ExportId, ExportValues.Ndjson, [ExportValues.Memories, ExportValues.Knowledge], status, null, null, null,
            "memsolus-export-live-20260310-0930.ndjson", null, Created, null, null, null, null)
        : new ExportDto(ExportId, ExportValues.Ndjson, [ExportValues.Memories, ExportValues.Knowledge], status, 1250, 48, 734_003,
            "memsolus-export-live-20260310-0930.ndjson", $"{ApiExtensions.BasePath}/exports/{ExportId}/download",
            Created, Created.AddSeconds(1), Created.AddSeconds(4), Created.AddDays(7), null);

    private static IngestJobDto IngestJob(string kind, string status, string? url) => status == "queued"
        ? new IngestJobDto(JobId, kind, status, url, 0, 0, 0, 0, 0, [], Created, null, null)
        : new IngestJobDto(JobId, kind, status, url, 1, 1, 0, 1, 0, [], Created, Created.AddSeconds(1), Created.AddSeconds(2));

    // Every day of the 30 with every outcome, as the report has them.
    private static UsageReport Usage()
    {
        var to = DateOnly.FromDateTime(Created.UtcDateTime);
        var from = to.AddDays(-29);
        var days = Enumerable.Range(0, 30)
            .Select(i => new DayUsage(from.AddDays(i), i == 29 ? 52 : 0,
                UsageOutcomes.All.ToDictionary(o => o, o => i == 29 ? o switch { UsageOutcomes.Success => 50L, UsageOutcomes.OtherClientError => 2L, _ => 0L } : 0L)))
            .ToList();
        return new UsageReport(from, to, [new KeyUsage(KeyId, "production-agent", "msk_live_AbCd…wXyZ", "live", 52, days)]);
    }
}
