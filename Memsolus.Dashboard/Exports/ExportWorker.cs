using Memsolus.Dashboard.Hosting;

namespace Memsolus.Dashboard.Exports;

// Runs queued exports when the queue signals and, every minute, anything still queued, jobs left by
// a node that died (their lease run out) and the clean-up of expired files.
internal sealed class ExportWorker(ExportRunner runner, ExportQueue queue, TimeProvider clock, ILogger<ExportWorker> logger)
    : BackgroundWorker(clock, logger, queue)
{
    protected override TimeSpan? Interval => TimeSpan.FromMinutes(1);

    // Whatever a round cut short at shutdown is recorded on its job (see ExportRunner.WriteAsync).
    protected override async Task RunRoundAsync(CancellationToken cancellationToken)
    {
        try
        {
            await runner.FailInterruptedAsync(cancellationToken);
            await runner.RunOnceAsync(cancellationToken);
        }
        finally
        {
            // Expired files go even when running the queued jobs failed.
            await runner.CleanupAsync(cancellationToken);
        }
    }
}
