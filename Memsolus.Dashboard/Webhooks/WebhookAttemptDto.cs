namespace Memsolus.Dashboard.Webhooks;

public sealed record WebhookAttemptDto(int Attempt, DateTimeOffset AttemptedAt, int? StatusCode, long DurationMs, string? Error, DateTimeOffset? NextRetryAt);
