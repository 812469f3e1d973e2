using System.Globalization;
using System.Text.RegularExpressions;
using Memsolus.Dashboard.ApiKeys;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Exports;

// Where export files live on disk and what they are called. Every path is made here from a job's
// id, so nothing a caller sends can name a file, and every path is checked to stay inside the
// exports directory.
internal sealed partial class ExportFiles(IOptions<ExportsOptions> options, IHostEnvironment environment)
{
    private const string TempExtension = ".tmp";

    public string Directory { get; } = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.Value.Directory, environment.ContentRootPath));

    public static string FileNameFor(Guid jobId, ExportFormat format) =>
        jobId.ToString("N", CultureInfo.InvariantCulture) + Extension(format);

    // One per run of a job, so that a node that stalled past its lease and the node that took the
    // job over never write (or delete) the same temporary file.
    public static string TempFileNameFor(Guid jobId, int attempt) =>
        jobId.ToString("N", CultureInfo.InvariantCulture) + "-" + attempt.ToString(CultureInfo.InvariantCulture) + TempExtension;

    // A download's entity tag: the file of a job is the one its run (Attempts) wrote, and never changes.
    public static string ETagFor(ExportJob job) =>
        "\"" + job.Id.ToString("N", CultureInfo.InvariantCulture) + "-" + job.Attempts.ToString(CultureInfo.InvariantCulture) + "\"";

    // What a browser saves the file as, e.g. memsolus-export-live-20260310-0930.json (UTC).
    public static string DownloadNameFor(ApiKeyEnvironment environment, DateTimeOffset createdAt, ExportFormat format) =>
        $"memsolus-export-{environment.Name()}-{createdAt.UtcDateTime.ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture)}{Extension(format)}";

    public static string ContentTypeFor(ExportFormat format) =>
        format == ExportFormat.Json ? "application/json" : "application/x-ndjson";

    public string PathOf(string fileName)
    {
        var path = Path.GetFullPath(Path.Combine(Directory, fileName));
        if (!string.Equals(Path.GetDirectoryName(path), Directory, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("An export file name must name a file directly inside the exports directory.");
        }

        return path;
    }

    public void EnsureDirectory() => System.IO.Directory.CreateDirectory(Directory);

    // Only files this feature writes are ever touched, so a directory shared by mistake with
    // other files (the database's Data/ folder, say) loses nothing else.
    public IEnumerable<FileInfo> OwnFiles()
    {
        var directory = new DirectoryInfo(Directory);
        return directory.Exists
            ? directory.EnumerateFiles().Where(f => OwnFileName().IsMatch(f.Name))
            : [];
    }

    private static string Extension(ExportFormat format) => format == ExportFormat.Json ? ".json" : ".ndjson";

    [GeneratedRegex(@"^[0-9a-f]{32}(\.json|\.ndjson|(-[0-9]+)?\.tmp)$", RegexOptions.CultureInvariant)]
    private static partial Regex OwnFileName();
}
