namespace Memsolus.Dashboard.Ingestion;

internal sealed record MemoryLine(string Content, List<string> Tags, string? Metadata);
