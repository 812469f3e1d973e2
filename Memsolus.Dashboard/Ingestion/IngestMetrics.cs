using System.Diagnostics.Metrics;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Observability;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Ingestion;

// Import jobs' instruments (JobMetrics): how long each job took, by outcome — the job's own end
// state as the API names it (succeeded, partial, failed), or abandoned, stopped — and how many wait.
internal sealed class IngestMetrics(IMeterFactory meterFactory, TimeProvider clock, IDbContextFactory<ApplicationDbContext> contextFactory, ILogger<IngestMetrics> logger)
    : JobMetrics(meterFactory, clock,
        DurationName, "How long one import job took, by outcome (succeeded, partial, failed, abandoned, stopped).",
        QueuedName, "Import jobs queued and not yet started.",
        () => QueueDepth.Count(contextFactory, logger, QueuedName, db => db.IngestJobs.Count(j => j.Status == IngestJobStatus.Queued)))
{
    public const string DurationName = "memsolus.ingest.duration";
    public const string QueuedName = "memsolus.ingest.jobs.queued";
}
