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

    public static IReadOnlyList<string> All { get; } =
    [
        MemoryCreated, MemoryUpdated, MemoryDeleted,
        KnowledgeCreated, KnowledgeUpdated, KnowledgeDeleted,
        ExportCompleted, IngestCompleted,
    ];
}
