using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Memsolus.Dashboard.Observability;

// What the export and the import jobs measure alike (docs/configuration.md, "Metrics and traces"):
// how long each run took, by outcome, and how many jobs wait; and each run's activity tagged with
// its outcome and marked an error unless it succeeded.
internal abstract class JobMetrics
{
    // The run did what it was for; another node took the job over or it was deleted while it ran;
    // the app's shutdown cut it short (the job goes back to the queue).
    public const string Succeeded = "succeeded";
    public const string Abandoned = "abandoned";
    public const string Stopped = "stopped";

    private readonly Histogram<double> duration;
    private readonly TimeProvider clock;

    protected JobMetrics(IMeterFactory meterFactory, TimeProvider clock, string durationName, string durationDescription,
        string queuedName, string queuedDescription, Func<IEnumerable<Measurement<long>>> queued)
    {
        this.clock = clock;
        var meter = meterFactory.Create(Telemetry.MeterName);
        duration = meter.CreateHistogram<double>(durationName, "s", durationDescription);
        meter.CreateObservableGauge(queuedName, queued, "{job}", queuedDescription);
    }

    // Runs one job and records how long it took by the outcome it answers; `Stopped` when stopping
    // the app ends it with an exception.
    public async Task MeasureAsync(Activity? activity, string outcomeTag, Func<Task<string>> run)
    {
        var started = clock.GetTimestamp();
        var outcome = Stopped;
        try
        {
            outcome = await run();
        }
        finally
        {
            duration.Record(clock.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
            activity?.SetTag(outcomeTag, outcome);
            if (outcome != Succeeded)
            {
                activity?.SetStatus(ActivityStatusCode.Error);
            }
        }
    }
}
