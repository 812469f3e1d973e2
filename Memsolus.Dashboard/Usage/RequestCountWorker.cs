using Memsolus.Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Usage;

// Writes the request counts tallied in memory: every Usage:FlushInterval, and a final time when
// the host stops so that none are lost with the process. Once a day a round also deletes the
// counters older than Usage:Retention.
internal sealed partial class RequestCountWorker(
    RequestCountRecorder recorder,
    IOptions<UsageOptions> options,
    TimeProvider clock,
    ILogger<RequestCountWorker> logger) : BackgroundWorker(clock, logger)
{
    private static readonly TimeSpan DeleteEvery = TimeSpan.FromDays(1);

    // Null until the first round, which deletes.
    private DateTimeOffset? nextDelete;

    protected override TimeSpan? Interval => options.Value.FlushInterval;

    // Nothing has been counted yet at start.
    protected override bool RunsAtStart => false;

    protected override async Task RunRoundAsync(CancellationToken cancellationToken)
    {
        await recorder.FlushAsync(cancellationToken);
        if (nextDelete is null || Clock.GetUtcNow() >= nextDelete)
        {
            nextDelete = Clock.GetUtcNow() + DeleteEvery;
            await DeleteExpiredAsync(cancellationToken);
        }
    }

    // Only the flush: deleting can wait for the next run of the app.
    protected override Task RunFinalRoundAsync() => recorder.FlushAsync(CancellationToken.None);

    private async Task DeleteExpiredAsync(CancellationToken cancellationToken)
    {
        try
        {
            await recorder.DeleteExpiredAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Old counters cost space, not correctness: try again tomorrow.
            LogDeleteFailed(Logger, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete expired request counters")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception);
}
