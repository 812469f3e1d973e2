using Memsolus.Dashboard.Hosting;

namespace Memsolus.Dashboard.Webhooks;

// Wakes the delivery worker when an event has queued deliveries, so they go out at once rather
// than at the next poll. Any number of publishes while a run is busy cause one more run.
internal sealed class WebhookDeliveryQueue : WorkerSignal;
