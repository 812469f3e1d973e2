using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Observability;
using Memsolus.Dashboard.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Exports;

// The export work itself, one public step at a time so tests can drive it without the worker:
// claim the oldest queued job, write its file, clean up what has expired. A node claims a job with
// a lease (QueueLease) and renews it while the file is written; a job whose lease runs out (its node
// died) is run again from the start by whichever node claims it next, up to MaxAttempts times in
// all, then failed with InterruptedError (docs/several-nodes.md). An export only reads, so running
// it again is safe.
internal sealed partial class ExportRunner(
    IDbContextFactory<ApplicationDbContext> contextFactory,
    IExportFileStore fileStore,
    ExportSweepLock sweepLock,
    ExportContentWriter contentWriter,
    IWebhookEvents webhooks,
    IOptions<ExportsOptions> options,
    LeaseNode node,
    ExportMetrics metrics,
    TimeProvider clock,
    ILogger<ExportRunner> logger)
{
    // The trace of one run of an export job (the worker's round may run several).
    public const string ActivityName = "export.run";

    public const string WriteFailedError = "The export could not be written. Start a new export; if it fails again, contact support.";
    public const string InterruptedError = "The export was interrupted each time it ran: the server running it stopped. Start a new export.";

    // Times a job is taken up (the first run and the runs after a node died) before it is failed.
    public const int MaxAttempts = 3;

    private const int CleanupBatchSize = 100;

    // Files nobody points at any more (an account deleted mid-export, a crash mid-write) are
    // deleted once they are this much older than the retention: by then any job that named them
    // has expired, whatever database or clock wrote them.
    private static readonly TimeSpan StrayFileGrace = TimeSpan.FromDays(1);

    // Runs every queued job, oldest first, and answers how many it ran.
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var ran = 0;
        while (await ClaimNextAsync(cancellationToken) is { } job)
        {
            await WriteAsync(job, cancellationToken);
            ran++;
        }

        return ran;
    }

    // Claims the oldest job that is queued, or running with a lease that has run out, moves it to
    // running under this node's lease and returns it; null when there is none. The claim is a
    // conditional update, so two nodes never take the same job.
    public async Task<ExportJob?> ClaimNextAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        // Ends: every pass either claims a job or finds one another node claimed first.
        while (await Runnable(db.ExportJobs.AsNoTracking(), clock.GetUtcNow()).OrderBy(j => j.Sequence).FirstOrDefaultAsync(cancellationToken) is { } next)
        {
            var now = clock.GetUtcNow();
            var until = now + options.Value.LeaseDuration;
            var claimed = await Runnable(db.ExportJobs, now)
                .Where(j => j.Sequence == next.Sequence && j.Attempts == next.Attempts)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(j => j.Status, ExportStatus.Running)
                        .SetProperty(j => j.StartedAt, now)
                        .SetProperty(j => j.Attempts, next.Attempts + 1)
                        .Lease(node.Id, until),
                    cancellationToken);
            if (claimed == 1)
            {
                if (next.Status == ExportStatus.Running)
                {
                    LogTakenOver(logger, next.Id, next.LeasedBy ?? "an earlier version", next.Attempts + 1);
                }

                next.Status = ExportStatus.Running;
                next.StartedAt = now;
                next.Attempts++;
                next.LeasedBy = node.Id;
                next.LeasedUntil = until;
                LogStarted(logger, next.Id);
                return next;
            }
        }

        return null;
    }

    // Queued, or running on a node whose lease ran out (it died) and not yet tried MaxAttempts times.
    private static IQueryable<ExportJob> Runnable(IQueryable<ExportJob> jobs, DateTimeOffset now) =>
        jobs.Where(j => j.Status == ExportStatus.Queued
            || (j.Status == ExportStatus.Running && j.Attempts < MaxAttempts && (j.LeasedUntil == null || j.LeasedUntil <= now)));

    // This run of the job, as long as this node holds the lease: a write after another node (or
    // this one, in a later run) took the job over changes nothing.
    private IQueryable<ExportJob> Held(ApplicationDbContext db, ExportJob job) =>
        db.ExportJobs.Where(j => j.Sequence == job.Sequence && j.Status == ExportStatus.Running && j.Attempts == job.Attempts).HeldBy(node.Id);

    // Writes a claimed job's file through the file store (IExportFileStore): this run's file becomes
    // the job's only when it is complete and this node still holds the job, so a download never sees
    // half a file. A failure is recorded on the job, never thrown, except that stopping the app still
    // stops it.
    public async Task WriteAsync(ExportJob job, CancellationToken cancellationToken = default)
    {
        using var activity = Telemetry.ActivitySource.StartActivity(ActivityName);
        activity?.SetTag("memsolus.export.id", job.Id);
        activity?.SetTag("memsolus.export.attempt", job.Attempts);
        await metrics.MeasureAsync(activity, "memsolus.export.outcome", () => WriteFileAsync(job, cancellationToken));
    }

    private async Task<string> WriteFileAsync(ExportJob job, CancellationToken cancellationToken)
    {
        IExportFileRun? run = null;
        await using var lease = LeaseRenewal.Start(
            (until, token) => RenewAsync(job, until, token), options.Value.LeaseDuration, clock, logger, cancellationToken);
        try
        {
            run = await fileStore.BeginAsync(job, lease.Token);
            var counts = await contentWriter.WriteAsync(job, run.Content, lease.Token);
            var size = await run.CompleteAsync(lease.Token);
            var fileName = ExportFiles.FileNameFor(job.Id, job.Format);

            // Only a node that still holds the job puts its file in place, never over the file of
            // the node that took the job over.
            if (!await RenewAsync(job, clock.GetUtcNow() + options.Value.LeaseDuration, cancellationToken))
            {
                await run.DiscardAsync();
                LogAbandoned(logger, job.Id);
                return ExportMetrics.Abandoned;
            }

            var now = clock.GetUtcNow();
            var expiresAt = now + options.Value.Retention;
            var committed = await run.CommitAsync(
                (db, token) => Held(db, job).ExecuteUpdateAsync(
                    s => s.Unlease()
                        .SetProperty(j => j.Status, ExportStatus.Succeeded)
                        .SetProperty(j => j.MemoryCount, counts.Memories)
                        .SetProperty(j => j.KnowledgeCount, counts.Knowledge)
                        .SetProperty(j => j.SizeBytes, size)
                        .SetProperty(j => j.FileName, fileName)
                        .SetProperty(j => j.CompletedAt, now)
                        .SetProperty(j => j.ExpiresAt, expiresAt),
                    token),
                cancellationToken);
            if (!committed)
            {
                // The job is gone (its account was deleted while it ran), or this node's lease ran out
                // and another node took the job over: the run has dropped its file.
                LogAbandoned(logger, job.Id);
                return ExportMetrics.Abandoned;
            }

            job.Status = ExportStatus.Succeeded;
            job.MemoryCount = counts.Memories;
            job.KnowledgeCount = counts.Knowledge;
            job.SizeBytes = size;
            job.FileName = fileName;
            job.CompletedAt = now;
            job.ExpiresAt = expiresAt;
            LogSucceeded(logger, job.Id, counts.Memories, counts.Knowledge, size);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the job goes back to the queue (this run not counted), for another node or
            // the next start.
            await DiscardAsync(run);
            await HandBackAsync(job);
            throw;
        }
        catch (OperationCanceledException) when (lease.Lost)
        {
            // Another node has taken the job over (this one stalled past its lease): it is theirs.
            await DiscardAsync(run);
            LogAbandoned(logger, job.Id);
            return ExportMetrics.Abandoned;
        }
        catch (Exception exception)
        {
            await DiscardAsync(run);
            LogFailed(logger, exception, job.Id);
            await MarkFailedAsync(job, WriteFailedError, cancellationToken);
            return ExportMetrics.Failed;
        }
        finally
        {
            if (run is not null)
            {
                await run.DisposeAsync();
            }
        }

        await PublishCompletedAsync(job, cancellationToken);
        return ExportMetrics.Succeeded;
    }

    private static async Task DiscardAsync(IExportFileRun? run)
    {
        if (run is not null)
        {
            await run.DiscardAsync();
        }
    }

    // Running jobs whose node died (their lease has run out) after MaxAttempts runs: failed, with
    // InterruptedError. Those with runs left are run again by ClaimNextAsync. A job another node
    // holds, its lease renewed, is never touched, so a node that starts leaves running jobs alone.
    public async Task<int> FailInterruptedAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var failed = await db.ExportJobs
            .Where(j => j.Status == ExportStatus.Running && j.Attempts >= MaxAttempts)
            .Free(now)
            .ExecuteUpdateAsync(
                s => s.SetProperty(j => j.Status, ExportStatus.Failed).SetProperty(j => j.CompletedAt, now).SetProperty(j => j.Error, InterruptedError).Unlease(),
                cancellationToken);
        if (failed > 0)
        {
            LogInterrupted(logger, failed, MaxAttempts);
        }

        return failed;
    }

    // Deletes the files of exports past their expiry and marks those jobs expired; then deletes
    // stray files (see StrayFileGrace). Answers how many jobs it expired. Runs on one node at a time
    // (ExportSweepLock): a node that finds another node sweeping skips this round and answers 0.
    public async Task<int> CleanupAsync(CancellationToken cancellationToken = default)
    {
        await using var sweeping = await sweepLock.TryAcquireAsync(cancellationToken);
        if (sweeping is null)
        {
            LogSweepSkipped(logger);
            return 0;
        }

        var now = clock.GetUtcNow();
        var expired = 0;
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        // Ends: each full batch moves every row in it out of Succeeded; a short one is the last.
        while (true)
        {
            var batch = await db.ExportJobs.AsNoTracking()
                .Where(j => j.Status == ExportStatus.Succeeded && j.ExpiresAt <= now)
                .OrderBy(j => j.ExpiresAt)
                .Take(CleanupBatchSize)
                .ToListAsync(cancellationToken);
            var moved = 0;
            foreach (var job in batch)
            {
                // A file that cannot be deleted now keeps its job as it is, to be tried next time.
                if (!await fileStore.DeleteAsync(job, cancellationToken))
                {
                    continue;
                }

                moved += await db.ExportJobs
                    .Where(j => j.Sequence == job.Sequence && j.Status == ExportStatus.Succeeded)
                    .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, ExportStatus.Expired).SetProperty(j => j.FileName, (string?)null), cancellationToken);
            }

            expired += moved;
            if (batch.Count < CleanupBatchSize || moved < batch.Count)
            {
                break;
            }
        }

        var stray = await fileStore.DeleteStrayAsync(now - options.Value.Retention - StrayFileGrace, cancellationToken);
        if (expired > 0 || stray > 0)
        {
            LogCleanedUp(logger, expired, stray);
        }

        return expired;
    }

    private async Task<bool> RenewAsync(ExportJob job, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.ExportJobs.Where(j => j.Sequence == job.Sequence && j.Status == ExportStatus.Running && j.Attempts == job.Attempts).RenewAsync(node.Id, until, cancellationToken);
    }

    private async Task HandBackAsync(ExportJob job)
    {
        try
        {
            await using var db = await contextFactory.CreateDbContextAsync(CancellationToken.None);
            await Held(db, job).ExecuteUpdateAsync(
                s => s.SetProperty(j => j.Status, ExportStatus.Queued)
                    .SetProperty(j => j.StartedAt, (DateTimeOffset?)null)
                    .SetProperty(j => j.Attempts, job.Attempts - 1)
                    .Unlease(),
                CancellationToken.None);
            job.Status = ExportStatus.Queued;
        }
        catch (Exception exception)
        {
            // The lease runs out on its own and another node runs the job then.
            LogHandBackFailed(logger, exception, job.Id);
        }
    }

    private async Task MarkFailedAsync(ExportJob job, string error, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await Held(db, job)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, ExportStatus.Failed).SetProperty(j => j.CompletedAt, now).SetProperty(j => j.Error, error).Unlease(), cancellationToken);
        job.Status = ExportStatus.Failed;
        job.CompletedAt = now;
        job.Error = error;
    }

    // The export has succeeded whatever happens to its announcement.
    private async Task PublishCompletedAsync(ExportJob job, CancellationToken cancellationToken)
    {
        try
        {
            await webhooks.PublishAsync(job.OwnerId, job.Environment, WebhookEventTypes.ExportCompleted, ExportStore.ToDto(job, clock.GetUtcNow()), cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogPublishFailed(logger, exception, job.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Export {ExportId} started")]
    private static partial void LogStarted(ILogger logger, Guid exportId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Export {ExportId} succeeded: {MemoryCount} memories, {KnowledgeCount} knowledge entries, {SizeBytes} bytes")]
    private static partial void LogSucceeded(ILogger logger, Guid exportId, int? memoryCount, int? knowledgeCount, long sizeBytes);

    [LoggerMessage(Level = LogLevel.Error, Message = "Export {ExportId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, Guid exportId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Export {ExportId} stopped here: its job was deleted, or another node took it over; this node's file was removed")]
    private static partial void LogAbandoned(ILogger logger, Guid exportId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Export {ExportId} was left running by {Node}, whose lease ran out; running it again (run {Attempt})")]
    private static partial void LogTakenOver(ILogger logger, Guid exportId, string node, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Marked {Count} export(s) failed whose node stopped each of the {MaxAttempts} times they ran")]
    private static partial void LogInterrupted(ILogger logger, int count, int maxAttempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not hand export {ExportId} back at shutdown; another node runs it once its lease runs out")]
    private static partial void LogHandBackFailed(ILogger logger, Exception exception, Guid exportId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Export clean-up: {ExpiredCount} export(s) expired, {StrayCount} stray file(s) or run(s) deleted")]
    private static partial void LogCleanedUp(ILogger logger, int expiredCount, int strayCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish the completion of export {ExportId}")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, Guid exportId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Export clean-up skipped: another node is running it")]
    private static partial void LogSweepSkipped(ILogger logger);
}
