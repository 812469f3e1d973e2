using Memsolus.Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Ingestion;

// Runs queued jobs one at a time: promptly when this node queued one, and every PollInterval for
// any the signal missed (another node's). A job's failure is recorded on the job by the runner.
// Each round first fails the running jobs whose node died (their lease has run out), never a job
// another node still runs.
internal sealed class IngestWorker(
    IngestRunner runner,
    IngestQueue queue,
    IOptions<IngestOptions> options,
    TimeProvider clock,
    ILogger<IngestWorker> logger) : BackgroundWorker(clock, logger, queue)
{
    protected override TimeSpan? Interval => options.Value.PollInterval;

    protected override async Task RunRoundAsync(CancellationToken cancellationToken)
    {
        await runner.FailInterruptedAsync(cancellationToken);
        while (await runner.RunOnceAsync(cancellationToken))
        {
        }
    }
}
