namespace Memsolus.Dashboard.Webhooks;

// A delivery with the outcome of its latest attempt on top (attempt, statusCode, durationMs,
// error), when it is tried next, and every attempt in order.
internal sealed record WebhookDeliveryDto(
    Guid Id,
    Guid EventId,
    string Event,
    string Status,
    int Attempt,
    int? StatusCode,
    long? DurationMs,
    string? Error,
    DateTimeOffset? NextRetryAt,
    DateTimeOffset CreatedAt,
    IReadOnlyList<WebhookAttemptDto> Attempts);
