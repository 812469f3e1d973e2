namespace Memsolus.Dashboard.Webhooks;

// A delivery as WebhookDeliveryClaim leased it to this node: the attempt count and body it had
// when claimed are what the attempt sends and records.
internal sealed class ClaimedWebhookDelivery
{
    public long Sequence { get; init; }

    public Guid Id { get; init; }

    public long WebhookSequence { get; init; }

    public int AttemptCount { get; init; }

    public string Payload { get; init; } = "";
}
