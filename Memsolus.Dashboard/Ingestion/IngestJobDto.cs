namespace Memsolus.Dashboard.Ingestion;

// Counts are records (see IngestJob.Items); errors hold the first IngestJob.MaxRecordedErrors.
internal sealed record IngestJobDto(
    Guid Id,
    string Kind,
    string Status,
    string? Url,
    int Items,
    int Succeeded,
    int Failed,
    int KnowledgeCreated,
    int MemoriesCreated,
    IReadOnlyList<IngestItemErrorDto> Errors,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt);
