using System.Globalization;
using MudBlazor;

namespace Memsolus.Dashboard.Exports;

// How the Exports page words an export (ExportDto carries the API's lower-case values).
internal static class ExportDisplay
{
    public static string Format(string format) => format == ExportValues.Ndjson ? "NDJSON" : "JSON";

    public static string Contents(IReadOnlyList<string> include) => include switch
    {
        [ExportValues.Memories, ExportValues.Knowledge] => "Memories and knowledge",
        [ExportValues.Memories] => "Memories",
        [ExportValues.Knowledge] => "Knowledge",
        _ => string.Join(", ", include),
    };

    public static string Status(string status) => status.Length == 0 ? status : char.ToUpperInvariant(status[0]) + status[1..];

    public static Color StatusColor(string status) => status switch
    {
        "succeeded" => Color.Success,
        "failed" => Color.Error,
        "running" => Color.Info,
        _ => Color.Default,
    };

    public static bool IsPending(ExportDto export) =>
        export.Status == ExportValues.Name(ExportStatus.Queued) || export.Status == ExportValues.Name(ExportStatus.Running);

    public static bool IsSucceeded(ExportDto export) => export.Status == ExportValues.Name(ExportStatus.Succeeded);

    public static bool IsExpired(ExportDto export) => export.Status == ExportValues.Name(ExportStatus.Expired);

    // Only what the export included is counted; null until it has succeeded.
    public static string? Counts(ExportDto export)
    {
        var parts = new List<string>(2);
        if (export.MemoryCount is { } memories)
        {
            parts.Add(memories == 1 ? "1 memory" : $"{memories.ToString("N0", CultureInfo.InvariantCulture)} memories");
        }

        if (export.KnowledgeCount is { } knowledge)
        {
            parts.Add(knowledge == 1 ? "1 knowledge entry" : $"{knowledge.ToString("N0", CultureInfo.InvariantCulture)} knowledge entries");
        }

        return parts.Count == 0 ? null : string.Join(", ", parts);
    }

    // Rounded for reading ("1.5 MiB"); the exact number of bytes goes in the cell's title.
    public static string Size(long bytes)
    {
        string[] units = ["KiB", "MiB", "GiB", "TiB"];
        if (bytes < 1024)
        {
            return bytes == 1 ? "1 byte" : $"{bytes} bytes";
        }

        var value = bytes / 1024.0;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return $"{value.ToString(value < 10 ? "0.#" : "0", CultureInfo.InvariantCulture)} {units[unit]}";
    }
}
