namespace Memsolus.Dashboard.Exports;

// Runs queued exports when signalled and, on a timer, anything still queued and the clean-up of
// expired files. Never stops the host: a failure is logged and the next wake tries again.
internal sealed partial class ExportWorker(ExportRunner runner, ExportQueue queue, TimeProvider clock, ILogger<ExportWorker> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        var ticks = TickAsync(timer, stoppingToken);
        try
        {
            await RunSafelyAsync(() => runner.FailInterruptedAsync(stoppingToken), stoppingToken);
            queue.Signal();
            while (true)
            {
                await queue.WaitAsync(stoppingToken);
                await RunSafelyAsync(() => runner.RunOnceAsync(stoppingToken), stoppingToken);
                await RunSafelyAsync(() => runner.CleanupAsync(stoppingToken), stoppingToken);
            }
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: whatever was cut short is recorded on its job (see ExportRunner.WriteAsync).
        }

        await ticks;
    }

    private async Task TickAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                queue.Signal();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunSafelyAsync(Func<Task> work, CancellationToken stoppingToken)
    {
        try
        {
            await work();
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            LogWorkFailed(logger, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The export worker hit an error; it will try again when next woken")]
    private static partial void LogWorkFailed(ILogger logger, Exception exception);
}
