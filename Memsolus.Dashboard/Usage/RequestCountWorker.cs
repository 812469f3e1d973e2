using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Usage;

internal sealed partial class RequestCountWorker(
    RequestCountRecorder recorder,
    IOptions<UsageOptions> options,
    TimeProvider clock,
    ILogger<RequestCountWorker> logger) : BackgroundService
{
    private static readonly TimeSpan DeleteEvery = TimeSpan.FromDays(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FlushInterval, clock);
        var nextDelete = clock.GetUtcNow();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await recorder.FlushAsync(stoppingToken);
                if (clock.GetUtcNow() >= nextDelete)
                {
                    nextDelete = clock.GetUtcNow() + DeleteEvery;
                    await DeleteExpiredAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await recorder.FlushAsync(CancellationToken.None);
    }

    private async Task DeleteExpiredAsync(CancellationToken stoppingToken)
    {
        try
        {
            await recorder.DeleteExpiredAsync(stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Old counters cost space, not correctness: try again tomorrow.
            LogDeleteFailed(logger, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete expired request counters")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception);
}
