namespace Memsolus.Dashboard.Ingestion;

public sealed record IngestItemErrorDto(string Item, int? Line, string Message);
