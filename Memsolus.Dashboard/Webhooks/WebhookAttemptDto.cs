namespace Memsolus.Dashboard.Webhooks;

internal sealed record WebhookAttemptDto(int Attempt, DateTimeOffset AttemptedAt, int? StatusCode, long DurationMs, string? Error, DateTimeOffset? NextRetryAt);
