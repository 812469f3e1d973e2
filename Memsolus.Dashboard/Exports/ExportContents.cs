namespace Memsolus.Dashboard.Exports;

[Flags]
public enum ExportContents
{
    None = 0,
    Memories = 1,
    Knowledge = 2,
}
