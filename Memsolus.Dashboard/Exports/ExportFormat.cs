namespace Memsolus.Dashboard.Exports;

internal enum ExportFormat
{
    Json,
    Ndjson,
}
