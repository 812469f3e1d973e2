namespace Memsolus.Dashboard.Webhooks;

internal sealed class WebhookDeliveryAttempt
{
    public long Sequence { get; set; }

    public long DeliverySequence { get; set; }

    // 1 for the first try, up to WebhookRetryPolicy.MaxAttempts.
    public int Attempt { get; set; }

    public DateTimeOffset AttemptedAt { get; set; }

    // Null when no response arrived (refused address, connection error, timeout).
    public int? StatusCode { get; set; }

    public long DurationMs { get; set; }

    public string? Error { get; set; }

    // When the retry this attempt's failure scheduled is due; null after a success or the last attempt.
    public DateTimeOffset? NextRetryAt { get; set; }
}
