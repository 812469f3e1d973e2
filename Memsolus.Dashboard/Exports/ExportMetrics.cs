using System.Diagnostics.Metrics;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Observability;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Exports;

// Export jobs' instruments (docs/configuration.md, "Metrics and traces"): how long each run took,
// by outcome, and how many jobs wait.
internal sealed class ExportMetrics
{
    public const string DurationName = "memsolus.export.duration";
    public const string QueuedName = "memsolus.export.jobs.queued";

    // The file was written; writing it failed (recorded on the job); another node took the job over
    // or it was deleted while it ran; the app stopped and handed the job back.
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Abandoned = "abandoned";
    public const string Stopped = "stopped";

    private readonly Histogram<double> duration;

    public ExportMetrics(IMeterFactory meterFactory, IDbContextFactory<ApplicationDbContext> contextFactory, ILogger<ExportMetrics> logger)
    {
        var meter = meterFactory.Create(Telemetry.MeterName);
        duration = meter.CreateHistogram<double>(DurationName, "s", "How long one run of an export job took, by outcome (succeeded, failed, abandoned, stopped).");
        meter.CreateObservableGauge(QueuedName, () => QueueDepth.Count(contextFactory, logger, QueuedName, db => db.ExportJobs.Count(j => j.Status == ExportStatus.Queued)),
            "{job}", "Export jobs queued and not yet started.");
    }

    public void Ran(string outcome, TimeSpan elapsed) =>
        duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
}
