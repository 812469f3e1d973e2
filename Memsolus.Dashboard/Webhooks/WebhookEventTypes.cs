namespace Memsolus.Dashboard.Webhooks;

internal static class WebhookEventTypes
{
    public const string MemoryCreated = "memory.created";
    public const string MemoryUpdated = "memory.updated";
    public const string MemoryDeleted = "memory.deleted";
    public const string KnowledgeCreated = "knowledge.created";
    public const string KnowledgeUpdated = "knowledge.updated";
    public const string KnowledgeDeleted = "knowledge.deleted";
    public const string ExportCompleted = "export.completed";
    public const string IngestCompleted = "ingest.completed";

    // Sent only by POST /webhooks/{id}/test, to that webhook, whatever it subscribes to; not one of
    // the events a webhook can subscribe to.
    public const string Ping = "ping";

    public static IReadOnlyList<string> All { get; } =
    [
        MemoryCreated, MemoryUpdated, MemoryDeleted,
        KnowledgeCreated, KnowledgeUpdated, KnowledgeDeleted,
        ExportCompleted, IngestCompleted,
    ];
}
