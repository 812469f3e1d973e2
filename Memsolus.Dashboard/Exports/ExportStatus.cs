namespace Memsolus.Dashboard.Exports;

public enum ExportStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Expired,
}
