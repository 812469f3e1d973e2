using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Webhooks;

// Where features announce what happened to an owner's data in one environment. The webhooks
// feature turns these into signed deliveries; publishing never blocks or fails the caller.
internal interface IWebhookEvents
{
    Task PublishAsync(string ownerId, ApiKeyEnvironment environment, string eventType, object data, CancellationToken cancellationToken = default);

    // Several events of one type at once, in order (an import's memories): the webhooks feature
    // looks the subscribers up once and queues every delivery in one write.
    async Task PublishManyAsync(string ownerId, ApiKeyEnvironment environment, string eventType, IReadOnlyList<object> data, CancellationToken cancellationToken = default)
    {
        foreach (var item in data)
        {
            await PublishAsync(ownerId, environment, eventType, item, cancellationToken);
        }
    }
}
