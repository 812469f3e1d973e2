using System.Globalization;
using MudBlazor;

namespace Memsolus.Dashboard.Ingestion;

// How the Ingestion page and its job dialog word a job: one place, so the list and the dialog agree.
internal static class IngestJobDisplay
{
    public static bool IsActive(IngestJobDto job) => job.Status is "queued" or "running";

    public static string Kind(IngestJobDto job) => job.Kind == "url" ? "URL" : "Files";

    // What was imported from: the URL, or the upload (its files are not kept once imported).
    public static string Source(IngestJobDto job) => job.Url ?? "Uploaded files";

    // A name for the job in buttons and the dialog's title, unique enough to tell jobs apart.
    public static string Name(IngestJobDto job) => job.Url is { } url
        ? $"import of {url}"
        : $"upload of {job.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)}";

    public static string Status(string status) => status switch
    {
        "queued" => "Queued",
        "running" => "Running",
        "succeeded" => "Succeeded",
        "partial" => "Partly imported",
        _ => "Failed",
    };

    public static Color StatusColor(string status) => status switch
    {
        "running" => Color.Info,
        "succeeded" => Color.Success,
        "partial" => Color.Warning,
        "failed" => Color.Error,
        _ => Color.Default,
    };

    // Records are counted as the worker reads them (a JSONL file's lines are not known before), so
    // a running job shows how far it got rather than a share of a total.
    public static string Progress(IngestJobDto job) => job.Status switch
    {
        "queued" => "Waiting to start",
        "running" => $"{Records(job.Items)} so far",
        _ => Records(job.Items),
    };

    public static string Imported(IngestJobDto job) =>
        $"{Count(job.KnowledgeCreated, "knowledge entry", "knowledge entries")}, {Count(job.MemoriesCreated, "memory", "memories")}";

    public static string Records(int items) => Count(items, "record", "records");

    private static string Count(int n, string one, string many) => n == 1 ? $"1 {one}" : $"{n} {many}";
}
