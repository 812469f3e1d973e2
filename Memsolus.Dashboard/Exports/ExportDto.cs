namespace Memsolus.Dashboard.Exports;

// status: queued, running, succeeded, failed, or expired (succeeded, but past expiresAt). The
// counts are null until the export has succeeded, and for what it did not include; sizeBytes is
// null until then too. fileName is the name a download is saved as; downloadUrl is set only while
// the file can be downloaded.
internal sealed record ExportDto(
    Guid Id,
    string Format,
    IReadOnlyList<string> Include,
    string Status,
    int? MemoryCount,
    int? KnowledgeCount,
    long? SizeBytes,
    string FileName,
    string? DownloadUrl,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    DateTimeOffset? ExpiresAt,
    string? Error);
