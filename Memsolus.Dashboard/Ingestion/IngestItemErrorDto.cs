namespace Memsolus.Dashboard.Ingestion;

internal sealed record IngestItemErrorDto(string Item, int? Line, string Message);
