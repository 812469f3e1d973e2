using System.Diagnostics.Metrics;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Observability;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Exports;

// Export jobs' instruments (JobMetrics): how long each run took, by outcome (succeeded, failed —
// writing the file failed, recorded on the job — abandoned, stopped), and how many jobs wait.
internal sealed class ExportMetrics(IMeterFactory meterFactory, TimeProvider clock, IDbContextFactory<ApplicationDbContext> contextFactory, ILogger<ExportMetrics> logger)
    : JobMetrics(meterFactory, clock,
        DurationName, "How long one run of an export job took, by outcome (succeeded, failed, abandoned, stopped).",
        QueuedName, "Export jobs queued and not yet started.",
        () => QueueDepth.Count(contextFactory, logger, QueuedName, db => db.ExportJobs.Count(j => j.Status == ExportStatus.Queued)))
{
    public const string DurationName = "memsolus.export.duration";
    public const string QueuedName = "memsolus.export.jobs.queued";
    public const string Failed = "failed";
}
