using Memsolus.Dashboard.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Tests.Webhooks;

// What the dispatcher records of an attempt, written straight to a TestDatabase, for the screens'
// tests (the dispatcher itself is WebhookDeliveryTests' subject): the attempt row, and the
// delivery's status and attempt count as the dispatcher leaves them.
internal static class WebhookAttempts
{
    public static async Task RecordAsync(
        TestDatabase database,
        Guid deliveryId,
        int? statusCode,
        WebhookDeliveryStatus outcome,
        string? error = null,
        long durationMs = 42,
        DateTimeOffset? nextRetryAt = null)
    {
        await using var db = database.CreateContext();
        var delivery = await db.WebhookDeliveries.AsTracking().SingleAsync(d => d.Id == deliveryId);
        delivery.AttemptCount++;
        delivery.Status = outcome;
        delivery.NextAttemptAt = outcome == WebhookDeliveryStatus.Pending ? nextRetryAt : null;
        db.WebhookDeliveryAttempts.Add(new WebhookDeliveryAttempt
        {
            DeliverySequence = delivery.Sequence,
            Attempt = delivery.AttemptCount,
            AttemptedAt = database.Clock.GetUtcNow(),
            StatusCode = statusCode,
            DurationMs = durationMs,
            Error = error,
            NextRetryAt = nextRetryAt,
        });
        await db.SaveChangesAsync();
    }
}
