using Memsolus.Dashboard.Data;

namespace Memsolus.Dashboard.Webhooks;

// One event for one webhook: the exact body every attempt sends (so each attempt is signed over
// the same bytes), and where the retries stand. Each attempt is a WebhookDeliveryAttempt row.
// A node claims it (LeasedBy, LeasedUntil: QueueLease) before sending, so that several nodes send
// each attempt once.
internal sealed class WebhookDelivery : ILeased
{
    public long Sequence { get; set; }

    public Guid Id { get; set; }

    public long WebhookSequence { get; set; }

    // Shared by the deliveries of one event to several webhooks; receivers deduplicate by it.
    public Guid EventId { get; set; }

    public required string EventType { get; set; }

    public required string Payload { get; set; }

    public WebhookDeliveryStatus Status { get; set; }

    public int AttemptCount { get; set; }

    // Null once the delivery has succeeded, failed for good or been canceled.
    public DateTimeOffset? NextAttemptAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    // The node sending it, until when; another node takes it up once the lease has run out.
    public string? LeasedBy { get; set; }

    public DateTimeOffset? LeasedUntil { get; set; }
}
