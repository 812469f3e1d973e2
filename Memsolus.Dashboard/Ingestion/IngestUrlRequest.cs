namespace Memsolus.Dashboard.Ingestion;

internal sealed record IngestUrlRequest(string? Url);
