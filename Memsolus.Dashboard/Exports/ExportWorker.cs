using Memsolus.Dashboard.Hosting;

namespace Memsolus.Dashboard.Exports;

// Runs queued exports when the queue signals and, every minute, anything still queued and the
// clean-up of expired files. At start it first fails the jobs a previous run left running.
internal sealed class ExportWorker(ExportRunner runner, ExportQueue queue, TimeProvider clock, ILogger<ExportWorker> logger)
    : BackgroundWorker(clock, logger, queue)
{
    protected override TimeSpan? Interval => TimeSpan.FromMinutes(1);

    protected override Task BeforeFirstRoundAsync(CancellationToken cancellationToken) => runner.FailInterruptedAsync(cancellationToken);

    // Whatever a round cut short at shutdown is recorded on its job (see ExportRunner.WriteAsync).
    protected override async Task RunRoundAsync(CancellationToken cancellationToken)
    {
        try
        {
            await runner.RunOnceAsync(cancellationToken);
        }
        finally
        {
            // Expired files go even when running the queued jobs failed.
            await runner.CleanupAsync(cancellationToken);
        }
    }
}
