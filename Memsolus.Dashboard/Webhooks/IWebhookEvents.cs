using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Webhooks;

public static class WebhookEventTypes
{
    public const string MemoryCreated = "memory.created";
    public const string MemoryUpdated = "memory.updated";
    public const string MemoryDeleted = "memory.deleted";
    public const string KnowledgeCreated = "knowledge.created";
    public const string KnowledgeUpdated = "knowledge.updated";
    public const string KnowledgeDeleted = "knowledge.deleted";
    public const string ExportCompleted = "export.completed";
    public const string IngestCompleted = "ingest.completed";

    public static IReadOnlyList<string> All { get; } =
    [
        MemoryCreated, MemoryUpdated, MemoryDeleted,
        KnowledgeCreated, KnowledgeUpdated, KnowledgeDeleted,
        ExportCompleted, IngestCompleted,
    ];
}

// Where features announce what happened to an owner's data in one environment. The webhooks
// feature turns these into signed deliveries; publishing never blocks or fails the caller.
public interface IWebhookEvents
{
    Task PublishAsync(string ownerId, ApiKeyEnvironment environment, string eventType, object data, CancellationToken cancellationToken = default);
}

// Until the webhooks feature registers its dispatcher, events go nowhere.
internal sealed class NoWebhookEvents : IWebhookEvents
{
    public Task PublishAsync(string ownerId, ApiKeyEnvironment environment, string eventType, object data, CancellationToken cancellationToken = default) =>
        Task.CompletedTask;
}
