using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Ingestion;

// Runs queued jobs one at a time: promptly when this node queued one, and every PollInterval for
// any the signal missed. A failure is logged and recorded on its job; it never stops the host.
internal sealed partial class IngestWorker(
    IngestRunner processor,
    IngestQueue queue,
    IOptions<IngestOptions> options,
    TimeProvider clock,
    ILogger<IngestWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval, clock);
        // Both waits outlive a round that the other one ended, so neither a tick nor a signal
        // is lost, and PeriodicTimer is never awaited twice at once.
        Task<bool>? tick = null;
        Task<bool>? wake = null;
        try
        {
            await RunSafelyAsync(processor.FailInterruptedAsync, stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                await RunSafelyAsync(DrainAsync, stoppingToken);
                tick ??= timer.WaitForNextTickAsync(stoppingToken).AsTask();
                wake ??= queue.WaitAsync(stoppingToken).AsTask();
                var woken = await Task.WhenAny(tick, wake);
                if (woken == tick)
                {
                    if (!await tick)
                    {
                        break;
                    }

                    tick = null;
                }
                else
                {
                    await wake;
                    wake = null;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (await processor.RunOnceAsync(cancellationToken))
        {
        }
    }

    private async Task RunSafelyAsync(Func<CancellationToken, Task> work, CancellationToken stoppingToken)
    {
        try
        {
            await work(stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogWorkerFailed(logger, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The ingestion worker failed; it tries again at the next signal or poll")]
    private static partial void LogWorkerFailed(ILogger logger, Exception exception);
}
