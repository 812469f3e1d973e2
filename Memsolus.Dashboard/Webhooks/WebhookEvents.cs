using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Memsolus.Dashboard.Webhooks;

// Publishing writes one pending delivery per enabled webhook of the (owner, environment) that
// subscribes to the event, and wakes the delivery worker; the HTTP happens in the background, so an
// API call never waits on a customer's endpoint. A failure here is logged, never thrown: the
// change the event describes has already been saved.
internal sealed partial class WebhookEvents(
    IDbContextFactory<ApplicationDbContext> contextFactory,
    WebhookDeliveryQueue deliveries,
    IOptions<HttpJsonOptions> jsonOptions,
    TimeProvider clock,
    ILogger<WebhookEvents> logger) : IWebhookEvents
{
    public Task PublishAsync(string ownerId, ApiKeyEnvironment environment, string eventType, object data, CancellationToken cancellationToken = default) =>
        PublishManyAsync(ownerId, environment, eventType, [data], cancellationToken);

    // Each item its own event (its own id), all of them queued in one SaveChanges.
    public async Task PublishManyAsync(string ownerId, ApiKeyEnvironment environment, string eventType, IReadOnlyList<object> data, CancellationToken cancellationToken = default)
    {
        if (!WebhookEventTypes.All.Contains(eventType, StringComparer.Ordinal))
        {
            LogUnknownEvent(logger, eventType);
            return;
        }

        try
        {
            // Not the caller's token: a client that hangs up after its change was saved must not
            // lose the event for that change.
            await using var db = await contextFactory.CreateDbContextAsync(CancellationToken.None);
            var subscribed = (await db.Webhooks.AsNoTracking()
                    .Where(w => w.OwnerId == ownerId && w.Environment == environment && w.Enabled)
                    .Select(w => new { w.Sequence, w.Events })
                    .ToListAsync(CancellationToken.None))
                .Where(w => w.Events.Contains(eventType, StringComparer.Ordinal))
                .ToList();
            if (subscribed.Count == 0 || data.Count == 0)
            {
                return;
            }

            var now = clock.GetUtcNow();
            var json = jsonOptions.Value.SerializerOptions;
            foreach (var item in data)
            {
                var eventId = Guid.CreateVersion7(now);
                var payload = WebhookEventPayload.Serialize(eventId, eventType, now, environment.Name(), item, json);
                foreach (var webhook in subscribed)
                {
                    db.WebhookDeliveries.Add(new WebhookDelivery
                    {
                        Id = Guid.CreateVersion7(now),
                        WebhookSequence = webhook.Sequence,
                        EventId = eventId,
                        EventType = eventType,
                        Payload = payload,
                        Status = WebhookDeliveryStatus.Pending,
                        NextAttemptAt = now,
                        CreatedAt = now,
                    });
                }
            }

            await db.SaveChangesAsync(CancellationToken.None);
            deliveries.Signal();
        }
        catch (Exception exception)
        {
            LogPublishFailed(logger, exception, eventType, ownerId);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook event {EventType} is not one of the published event types; nothing was delivered")]
    private static partial void LogUnknownEvent(ILogger logger, string eventType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not queue webhook deliveries of {EventType} for account {OwnerId}")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string eventType, string ownerId);
}
