namespace Memsolus.Dashboard.Exports;

internal enum ExportDownloadState
{
    NotFound,
    NotReady,
    Gone,
    Ready,
}
