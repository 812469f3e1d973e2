namespace Memsolus.Dashboard.Exports;

internal sealed record ExportDownload(ExportDownloadState State, ExportDto? Job = null, ExportFileContent? File = null, string? ContentType = null, string? ETag = null);
