namespace Memsolus.Dashboard.ApiKeys;

// The one catalogue of what a key may do: the dashboard's checkboxes, the API's authorisation
// policies and the docs all read it. The names and descriptions are the public docs' own words.
internal static class Permissions
{
    public const string MemoryRead = "memory.read";
    public const string MemoryWrite = "memory.write";
    public const string MemoryDelete = "memory.delete";
    public const string KnowledgeRead = "knowledge.read";
    public const string KnowledgeWrite = "knowledge.write";
    public const string KnowledgeDelete = "knowledge.delete";
    public const string ExportRead = "export.read";
    public const string ExportWrite = "export.write";
    public const string IngestRead = "ingest.read";
    public const string IngestWrite = "ingest.write";
    public const string WebhookRead = "webhook.read";
    public const string WebhookWrite = "webhook.write";
    public const string WebhookDelete = "webhook.delete";
    public const string DashboardRead = "dashboard.read";

    public static IReadOnlyList<Permission> All { get; } =
    [
        new(MemoryRead, "memory", "List, search, and view memories"),
        new(MemoryWrite, "memory", "Create and update memories"),
        new(MemoryDelete, "memory", "Delete memories"),
        new(KnowledgeRead, "knowledge", "View knowledge entries"),
        new(KnowledgeWrite, "knowledge", "Create and update knowledge entries"),
        new(KnowledgeDelete, "knowledge", "Delete knowledge entries"),
        new(ExportRead, "export", "List and download exports"),
        new(ExportWrite, "export", "Create export jobs"),
        new(IngestRead, "ingest", "View ingestion job status"),
        new(IngestWrite, "ingest", "Submit files and URLs for ingestion"),
        new(WebhookRead, "webhook", "List webhooks and delivery history"),
        new(WebhookWrite, "webhook", "Create and update webhooks"),
        new(WebhookDelete, "webhook", "Delete webhooks"),
        new(DashboardRead, "dashboard", "View usage statistics and alerts"),
    ];

    private static readonly Dictionary<string, string> GroupTitles = new()
    {
        ["memory"] = "Memories",
        ["knowledge"] = "Knowledge",
        ["export"] = "Exports",
        ["ingest"] = "Ingestion",
        ["webhook"] = "Webhooks",
        ["dashboard"] = "Dashboard",
    };

    public static IReadOnlyList<PermissionGroup> Groups { get; } =
        All.GroupBy(p => p.Resource)
            .Select(g => new PermissionGroup(g.Key, GroupTitles[g.Key], g.ToList()))
            .ToList();

    private static readonly Dictionary<string, int> Order =
        All.Select((p, i) => (p.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);

    public static bool IsKnown(string name) => Order.ContainsKey(name);

    // Catalogue order, no duplicates: how permissions are stored and shown.
    public static IReadOnlyList<string> Normalize(IEnumerable<string> names) =>
        names.Distinct(StringComparer.Ordinal).Where(IsKnown).OrderBy(n => Order[n]).ToList();

    public static bool IsFullAccess(IEnumerable<string> names) => Normalize(names).Count == All.Count;

    // What a quarantined key keeps: every permission that only reads (each resource's ".read", the
    // dashboard's included), read off the catalogue so a resource added later is covered without a change.
    public static bool IsRead(string name) => name.EndsWith(".read", StringComparison.Ordinal) && IsKnown(name);

    public static IReadOnlyList<string> Read { get; } = All.Select(p => p.Name).Where(IsRead).ToList();
}
