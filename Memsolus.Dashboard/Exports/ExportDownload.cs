namespace Memsolus.Dashboard.Exports;

internal sealed record ExportDownload(ExportDownloadState State, ExportDto? Job = null, string? Path = null, string? ContentType = null);
