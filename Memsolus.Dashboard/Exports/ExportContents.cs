namespace Memsolus.Dashboard.Exports;

[Flags]
internal enum ExportContents
{
    None = 0,
    Memories = 1,
    Knowledge = 2,
}
