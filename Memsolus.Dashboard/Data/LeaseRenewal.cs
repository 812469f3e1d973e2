namespace Memsolus.Dashboard.Data;

// Keeps this node's lease on one long job (an export, an ingestion) alive while the job runs: renews
// it every third of its duration, so a renewal that fails once (a database briefly away) still
// leaves time for the next. When the lease is lost (this node stalled past the expiry and another
// node took the job over, or the job was deleted) Token is cancelled and Lost is set, so the work
// stops rather than finish a job that is now someone else's. Token is cancelled too when the
// caller's token is (the app stopping).
internal sealed partial class LeaseRenewal : IAsyncDisposable
{
    private readonly CancellationTokenSource stop;
    private readonly Task loop;

    private LeaseRenewal(Func<DateTimeOffset, CancellationToken, Task<bool>> renew, TimeSpan duration, TimeProvider clock, ILogger logger, CancellationToken cancellationToken)
    {
        stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        loop = RenewAsync(renew, duration, clock, logger);
    }

    public CancellationToken Token => stop.Token;

    public bool Lost { get; private set; }

    // renew(until, token): extends the lease to until; false when this node no longer holds it.
    public static LeaseRenewal Start(Func<DateTimeOffset, CancellationToken, Task<bool>> renew, TimeSpan duration, TimeProvider clock, ILogger logger, CancellationToken cancellationToken) =>
        new(renew, duration, clock, logger, cancellationToken);

    private async Task RenewAsync(Func<DateTimeOffset, CancellationToken, Task<bool>> renew, TimeSpan duration, TimeProvider clock, ILogger logger)
    {
        var token = stop.Token;
        try
        {
            while (true)
            {
                await Task.Delay(duration / 3, clock, token);
                bool held;
                try
                {
                    held = await renew(clock.GetUtcNow() + duration, token);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogRenewFailed(logger, exception);
                    continue;
                }

                if (!held)
                {
                    Lost = true;
                    LogLost(logger);
                    await stop.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await loop;
        stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew a job's lease; trying again before it runs out")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost a job's lease to another node (this node stalled past its expiry); the job is stopped here")]
    private static partial void LogLost(ILogger logger);
}
