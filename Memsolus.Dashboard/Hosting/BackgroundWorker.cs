namespace Memsolus.Dashboard.Hosting;

// Every hosted loop of the app (a Worker in docs/layout.md): a round of work at start, then every
// Interval and whenever its signal is raised, and, for a worker that holds work in memory, a final
// round when the host stops. A failed round is logged and the loop goes on to the next tick:
// with the host's default BackgroundServiceExceptionBehavior.StopHost, an exception out of
// ExecuteAsync would stop the whole app over one bad round (a database that is briefly away).
internal abstract partial class BackgroundWorker(TimeProvider clock, ILogger logger, WorkerSignal? signal = null) : BackgroundService
{
    // Ticks land here too, so a tick and signals that arrive during one round make one more round.
    private readonly WorkerSignal wake = signal ?? new WorkerSignal();

    // False: the worker never runs a round. Read when the host starts it, so once every
    // configuration source (test hosts included) has had its say, not when it is registered.
    public virtual bool Enabled => true;

    // The clock the ticks come from, for a worker's own schedule (a daily clean-up, say).
    protected TimeProvider Clock { get; } = clock;

    protected ILogger Logger { get; } = logger;

    // How often a round runs; null: only when signalled.
    protected virtual TimeSpan? Interval => null;

    // Whether a round runs as soon as the worker starts, rather than at the first tick or signal.
    protected virtual bool RunsAtStart => true;

    // Once, before the first round: what a previous run of the app left unfinished, say.
    protected virtual Task BeforeFirstRoundAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected abstract Task RunRoundAsync(CancellationToken cancellationToken);

    // At shutdown, once the loop has ended: work held only in memory would be lost with the
    // process. Not cancelled, like the shutdown flushes it stands for.
    protected virtual Task RunFinalRoundAsync() => Task.CompletedTask;

    // Asks for the next round now instead of at the next tick (a connection to retry, say).
    protected void RunSoon() => wake.Signal();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        // Started before the first round, so the first tick comes one Interval after the start.
        var ticking = Interval is { } interval ? TickAsync(interval, stoppingToken) : Task.CompletedTask;
        if (RunsAtStart)
        {
            wake.Signal();
        }

        await RunSafelyAsync(BeforeFirstRoundAsync, stoppingToken);
        try
        {
            while (true)
            {
                await wake.WaitAsync(stoppingToken);
                await RunSafelyAsync(RunRoundAsync, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await ticking;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // The loop first: the final round must not run beside a last ordinary one.
        await base.StopAsync(cancellationToken);
        if (Enabled)
        {
            await RunSafelyAsync(_ => RunFinalRoundAsync(), CancellationToken.None);
        }
    }

    // One delay at a time rather than a PeriodicTimer: a clock that jumps (a suspended machine, or
    // the tests' FakeTimeProvider moved on by 30 days) makes one tick, where a periodic timer
    // catches up every missed period (2.6 million one-second ticks for that month).
    private async Task TickAsync(TimeSpan interval, CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(interval, Clock, stoppingToken);
                wake.Signal();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunSafelyAsync(Func<CancellationToken, Task> round, CancellationToken cancellationToken)
    {
        try
        {
            await round(cancellationToken);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: a round cut short is no failure, whatever it threw on the way out.
        }
        catch (Exception exception)
        {
            LogRoundFailed(Logger, exception, GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Worker} failed a round; it runs the next one at its next tick or signal")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception, string worker);
}
