using System.Threading.Channels;
using Memsolus.Dashboard.Hosting;
using Memsolus.Dashboard.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Memsolus.Dashboard.Tests.Hosting;

// The loop every worker runs on, on a clock the tests move: every tick is a step they take, and
// each round reports the clock's time when it started.
public sealed class BackgroundWorkerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 10, 9, 30, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly FakeTimeProvider clock = new(Start);
    private readonly LogSink logs = new();
    private readonly List<TestWorker> started = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var worker in started)
        {
            await worker.StopAsync(CancellationToken.None);
            worker.Dispose();
        }
    }

    [Fact]
    public async Task Runs_a_round_at_start_and_then_one_every_interval()
    {
        var worker = await StartAsync(new TestWorker(clock, Logger()) { Every = Interval });

        Assert.Equal(Start, await worker.NextRoundAsync());
        clock.Advance(Interval);
        Assert.Equal(Start + Interval, await worker.NextRoundAsync());
        clock.Advance(Interval);
        Assert.Equal(Start + (2 * Interval), await worker.NextRoundAsync());
    }

    [Fact]
    public async Task A_worker_that_does_not_run_at_start_has_its_first_round_at_the_first_tick()
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var worker = await StartAsync(new TestWorker(clock, Logger())
        {
            Every = Interval,
            AtStart = false,
            BeforeFirst = _ =>
            {
                ready.SetResult();
                return Task.CompletedTask;
            },
        });
        await ready.Task.WaitAsync(HangGuard);

        clock.Advance(Interval);

        Assert.Equal(Start + Interval, await worker.NextRoundAsync());
    }

    [Fact]
    public async Task A_signal_runs_a_round_before_the_next_tick()
    {
        var signal = new WorkerSignal();
        var worker = await StartAsync(new TestWorker(clock, Logger(), signal) { Every = TimeSpan.FromHours(1) });
        await worker.NextRoundAsync();

        signal.Signal();

        Assert.Equal(Start, await worker.NextRoundAsync());
    }

    [Fact]
    public async Task Signals_that_arrive_during_a_round_make_one_more_round_and_no_other()
    {
        var signal = new WorkerSignal();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var worker = await StartAsync(new TestWorker(clock, Logger(), signal)
        {
            Every = Interval,
            Round = (number, _) => number == 1 ? gate.Task : Task.CompletedTask,
        });
        await worker.NextRoundAsync();

        signal.Signal();
        signal.Signal();
        signal.Signal();
        gate.SetResult();

        Assert.Equal(Start, await worker.NextRoundAsync());
        // The clock stands still until this tick: a round left over from the three signals
        // would have started before it.
        clock.Advance(Interval);
        Assert.Equal(Start + Interval, await worker.NextRoundAsync());
    }

    [Fact]
    public async Task A_failed_round_is_logged_with_the_worker_and_the_exception_and_the_next_round_runs()
    {
        var signal = new WorkerSignal();
        var worker = await StartAsync(new TestWorker(clock, Logger(), signal)
        {
            Round = (number, _) => number == 1 ? throw new InvalidOperationException("The database is away.") : Task.CompletedTask,
        });
        await worker.NextRoundAsync();

        signal.Signal();
        await worker.NextRoundAsync();

        var error = Assert.Single(logs.Lines, line => line.StartsWith("Error", StringComparison.Ordinal));
        Assert.Contains(nameof(TestWorker), error, StringComparison.Ordinal);
        Assert.Contains("System.InvalidOperationException: The database is away.", error, StringComparison.Ordinal);
        Assert.False(worker.ExecuteTask!.IsCompleted);
    }

    [Fact]
    public async Task A_failure_before_the_first_round_is_logged_and_the_rounds_still_run()
    {
        var worker = await StartAsync(new TestWorker(clock, Logger())
        {
            Every = Interval,
            BeforeFirst = _ => throw new InvalidOperationException("The database is away."),
        });

        Assert.Equal(Start, await worker.NextRoundAsync());
        Assert.Single(logs.Lines, line => line.StartsWith("Error", StringComparison.Ordinal) && line.Contains("The database is away.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_final_round_runs_when_the_host_stops_once_the_loop_has_ended()
    {
        var final = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var worker = await StartAsync(new TestWorker(clock, Logger()) { Every = Interval });
        worker.Final = () =>
        {
            final.TrySetResult(worker.ExecuteTask!.IsCompleted);
            return Task.CompletedTask;
        };
        await worker.NextRoundAsync();

        await worker.StopAsync(CancellationToken.None);

        Assert.True(await final.Task.WaitAsync(HangGuard), "The final round ran while the loop still ran.");
    }

    [Fact]
    public async Task A_worker_that_is_not_enabled_never_runs_a_round_not_even_a_final_one()
    {
        var signal = new WorkerSignal();
        var finals = 0;
        var worker = await StartAsync(new TestWorker(clock, Logger(), signal)
        {
            Every = Interval,
            On = false,
            Final = () =>
            {
                finals++;
                return Task.CompletedTask;
            },
        });

        await worker.ExecuteTask!.WaitAsync(HangGuard);
        signal.Signal();
        clock.Advance(Interval);
        await worker.StopAsync(CancellationToken.None);

        Assert.Equal(0, worker.RoundsRun);
        Assert.Equal(0, finals);
    }

    [Fact]
    public async Task Stopping_ends_a_round_in_progress_quietly()
    {
        var worker = await StartAsync(new TestWorker(clock, Logger())
        {
            Every = Interval,
            Round = (_, cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken),
        });
        await worker.NextRoundAsync();

        await worker.StopAsync(CancellationToken.None);

        await worker.ExecuteTask!.WaitAsync(HangGuard);
        Assert.True(worker.ExecuteTask.IsCompletedSuccessfully);
        Assert.DoesNotContain(logs.Lines, line => line.StartsWith("Error", StringComparison.Ordinal) || line.StartsWith("Critical", StringComparison.Ordinal));
    }

    // Only how long a broken loop may hold a test, never a timing assertion.
    private static TimeSpan HangGuard => TimeSpan.FromSeconds(30);

    private ILogger Logger() => logs.CreateLogger(typeof(TestWorker).FullName!);

    private async Task<TestWorker> StartAsync(TestWorker worker)
    {
        started.Add(worker);
        await worker.StartAsync(CancellationToken.None);
        return worker;
    }

    private sealed class TestWorker(TimeProvider clock, ILogger logger, WorkerSignal? signal = null) : BackgroundWorker(clock, logger, signal)
    {
        private readonly Channel<DateTimeOffset> rounds = Channel.CreateUnbounded<DateTimeOffset>();
        private int roundsRun;

        public TimeSpan? Every { get; init; }

        public bool AtStart { get; init; } = true;

        public bool On { get; init; } = true;

        // Gets the round's number, from 1.
        public Func<int, CancellationToken, Task>? Round { get; init; }

        public Func<CancellationToken, Task>? BeforeFirst { get; init; }

        public Func<Task>? Final { get; set; }

        public int RoundsRun => Volatile.Read(ref roundsRun);

        public override bool Enabled => On;

        protected override TimeSpan? Interval => Every;

        protected override bool RunsAtStart => AtStart;

        // The time the next round started.
        public async Task<DateTimeOffset> NextRoundAsync() => await rounds.Reader.ReadAsync().AsTask().WaitAsync(HangGuard);

        protected override Task BeforeFirstRoundAsync(CancellationToken cancellationToken) =>
            BeforeFirst?.Invoke(cancellationToken) ?? Task.CompletedTask;

        protected override Task RunRoundAsync(CancellationToken cancellationToken)
        {
            var number = Interlocked.Increment(ref roundsRun);
            rounds.Writer.TryWrite(Clock.GetUtcNow());
            return Round?.Invoke(number, cancellationToken) ?? Task.CompletedTask;
        }

        protected override Task RunFinalRoundAsync() => Final?.Invoke() ?? Task.CompletedTask;
    }
}
