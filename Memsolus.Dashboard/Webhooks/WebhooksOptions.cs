using System.ComponentModel.DataAnnotations;

namespace Memsolus.Dashboard.Webhooks;

// Webhooks:* — how the dispatcher works through deliveries. The retry schedule is fixed
// (WebhookRetryPolicy) because it is part of what the API promises.
internal sealed class WebhooksOptions
{
    public const string SectionName = "Webhooks";

    // How often the dispatcher looks for retries that have fallen due; new events wake it at once.
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    [Range(1, 500)]
    public int BatchSize { get; set; } = 50;

    // Requests in flight at once, so one slow endpoint does not hold up everyone else's.
    [Range(1, 64)]
    public int MaxParallelDeliveries { get; set; } = 8;

    // How long a node holds the deliveries of a batch it claimed before another node may send them
    // (docs/several-nodes.md). It must outlast a batch: BatchSize / MaxParallelDeliveries requests
    // one after another, each up to Outbound:Timeout, then recording them. A lease that runs out
    // first lets another node send a delivery again (still at least once, but twice).
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(5);
}
