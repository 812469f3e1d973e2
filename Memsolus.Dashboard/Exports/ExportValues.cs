namespace Memsolus.Dashboard.Exports;

// The words the API uses for formats, contents and statuses.
internal static class ExportValues
{
    public const string Json = "json";
    public const string Ndjson = "ndjson";
    public const string Memories = "memories";
    public const string Knowledge = "knowledge";

    public static IReadOnlyList<string> Formats { get; } = [Json, Ndjson];

    public static IReadOnlyList<string> Contents { get; } = [Memories, Knowledge];

    public static IReadOnlyList<string> Statuses { get; } = Enum.GetValues<ExportStatus>().Select(Name).ToList();

    public static string Name(ExportFormat format) => format == ExportFormat.Json ? Json : Ndjson;

    public static string Name(ExportStatus status) => status switch
    {
        ExportStatus.Queued => "queued",
        ExportStatus.Running => "running",
        ExportStatus.Succeeded => "succeeded",
        ExportStatus.Failed => "failed",
        _ => "expired",
    };
}
