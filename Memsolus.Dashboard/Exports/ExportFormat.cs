namespace Memsolus.Dashboard.Exports;

public enum ExportFormat
{
    Json,
    Ndjson,
}
