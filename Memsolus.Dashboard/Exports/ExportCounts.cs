namespace Memsolus.Dashboard.Exports;

// Null for what the export was not asked to include.
internal sealed record ExportCounts(int? Memories, int? Knowledge);
