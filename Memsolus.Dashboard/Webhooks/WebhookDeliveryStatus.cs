namespace Memsolus.Dashboard.Webhooks;

internal enum WebhookDeliveryStatus
{
    // Waiting for its first attempt or for a retry at NextAttemptAt.
    Pending,
    Succeeded,

    // Every attempt failed; no more are made.
    Failed,

    // The webhook was disabled before the delivery could be sent; nothing was sent.
    Canceled,
}
