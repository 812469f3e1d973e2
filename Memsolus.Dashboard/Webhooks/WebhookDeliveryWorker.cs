using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Webhooks;

// Runs the dispatcher when a publish wakes it and every PollInterval for retries that fall due.
internal sealed partial class WebhookDeliveryWorker(
    WebhookDeliveryRunner dispatcher,
    IOptions<WebhooksOptions> options,
    TimeProvider clock,
    ILogger<WebhookDeliveryWorker> logger) : BackgroundService
{
    // Bounds one wake-up's work even if results could not be recorded and the same rows stay due.
    private const int MaxBatchesPerWake = 20;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval, clock);
        // Each wait is kept until it completes: PeriodicTimer allows only one waiter at a time.
        Task<bool>? tick = null;
        Task? woken = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await DispatchDueAsync(stoppingToken);
                tick ??= timer.WaitForNextTickAsync(stoppingToken).AsTask();
                woken ??= dispatcher.WaitForSignalAsync(stoppingToken);
                if (await Task.WhenAny(tick, woken) == tick)
                {
                    if (!await tick)
                    {
                        return;
                    }

                    tick = null;
                }
                else
                {
                    await woken;
                    woken = null;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DispatchDueAsync(CancellationToken stoppingToken)
    {
        try
        {
            for (var batch = 0; batch < MaxBatchesPerWake; batch++)
            {
                if (await dispatcher.RunOnceAsync(stoppingToken) < options.Value.BatchSize)
                {
                    break;
                }
            }
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            // Never take the host down: the deliveries stay due and the next wake-up tries again.
            LogRunFailed(logger, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook dispatch failed; due deliveries will be tried on the next run")]
    private static partial void LogRunFailed(ILogger logger, Exception exception);
}
