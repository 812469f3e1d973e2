namespace Memsolus.Dashboard.Ingestion;

public sealed record IngestUrlRequest(string? Url);
