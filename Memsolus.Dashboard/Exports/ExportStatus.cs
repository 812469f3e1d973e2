namespace Memsolus.Dashboard.Exports;

internal enum ExportStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Expired,
}
