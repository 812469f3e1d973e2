using Memsolus.Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Ingestion;

// Runs queued jobs one at a time: promptly when this node queued one, and every PollInterval for
// any the signal missed (another node's). A job's failure is recorded on the job by the runner.
// At start it first fails the jobs a previous run left running.
internal sealed class IngestWorker(
    IngestRunner runner,
    IngestQueue queue,
    IOptions<IngestOptions> options,
    TimeProvider clock,
    ILogger<IngestWorker> logger) : BackgroundWorker(clock, logger, queue)
{
    protected override TimeSpan? Interval => options.Value.PollInterval;

    protected override Task BeforeFirstRoundAsync(CancellationToken cancellationToken) => runner.FailInterruptedAsync(cancellationToken);

    protected override async Task RunRoundAsync(CancellationToken cancellationToken)
    {
        while (await runner.RunOnceAsync(cancellationToken))
        {
        }
    }
}
