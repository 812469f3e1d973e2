using Memsolus.Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Webhooks;

// Sends due deliveries when a publish signals and every PollInterval for retries that fall due;
// a backlog is worked through round after round without waiting for the next tick.
internal sealed class WebhookDeliveryWorker(
    WebhookDeliveryRunner runner,
    WebhookDeliveryQueue queue,
    IOptions<WebhooksOptions> options,
    TimeProvider clock,
    ILogger<WebhookDeliveryWorker> logger) : BackgroundWorker(clock, logger, queue)
{
    // Bounds one round's work even if results could not be recorded and the same rows stay due.
    private const int MaxBatchesPerRound = 20;

    protected override TimeSpan? Interval => options.Value.PollInterval;

    // A failed round leaves the deliveries due: the next round tries them again.
    protected override async Task RunRoundAsync(CancellationToken cancellationToken)
    {
        for (var batch = 0; batch < MaxBatchesPerRound; batch++)
        {
            if (await runner.RunOnceAsync(cancellationToken) < options.Value.BatchSize)
            {
                return;
            }
        }

        // Every batch was full: there is more due. The next round follows at once rather than a
        // PollInterval later, which held a backlog to MaxBatchesPerRound x BatchSize deliveries
        // per PollInterval (docs/several-nodes.md "Measured"). The deliveries just tried are leased
        // or recorded, so the next round finds others, never the same ones.
        RunSoon();
    }
}
