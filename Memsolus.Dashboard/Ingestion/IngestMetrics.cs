using System.Diagnostics.Metrics;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Observability;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Ingestion;

// Import jobs' instruments (docs/configuration.md, "Metrics and traces"): how long each run took,
// by outcome, and how many jobs wait.
internal sealed class IngestMetrics
{
    public const string DurationName = "memsolus.ingest.duration";
    public const string QueuedName = "memsolus.ingest.jobs.queued";

    // The job's own end state (succeeded, partial, failed, as the API names it), or: deleted while
    // it ran or taken from this node (abandoned); cut short by the app's shutdown (stopped).
    public const string Succeeded = "succeeded";
    public const string Abandoned = "abandoned";
    public const string Stopped = "stopped";

    private readonly Histogram<double> duration;

    public IngestMetrics(IMeterFactory meterFactory, IDbContextFactory<ApplicationDbContext> contextFactory, ILogger<IngestMetrics> logger)
    {
        var meter = meterFactory.Create(Telemetry.MeterName);
        duration = meter.CreateHistogram<double>(DurationName, "s", "How long one import job took, by outcome (succeeded, partial, failed, abandoned, stopped).");
        meter.CreateObservableGauge(QueuedName, () => QueueDepth.Count(contextFactory, logger, QueuedName, db => db.IngestJobs.Count(j => j.Status == IngestJobStatus.Queued)),
            "{job}", "Import jobs queued and not yet started.");
    }

    public void Ran(string outcome, TimeSpan elapsed) =>
        duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
}
