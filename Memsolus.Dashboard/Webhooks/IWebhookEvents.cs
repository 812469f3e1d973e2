using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Webhooks;

// Where features announce what happened to an owner's data in one environment. The webhooks
// feature turns these into signed deliveries; publishing never blocks or fails the caller.
internal interface IWebhookEvents
{
    Task PublishAsync(string ownerId, ApiKeyEnvironment environment, string eventType, object data, CancellationToken cancellationToken = default);
}
