using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Exports;

// The export work itself, one public step at a time so tests can drive it without the worker:
// claim the oldest queued job, write its file, clean up what has expired.
internal sealed partial class ExportRunner(
    IDbContextFactory<ApplicationDbContext> contextFactory,
    ExportFiles files,
    ExportContentWriter contentWriter,
    IWebhookEvents webhooks,
    IOptions<ExportsOptions> options,
    TimeProvider clock,
    ILogger<ExportRunner> logger)
{
    public const string WriteFailedError = "The export could not be written. Start a new export; if it fails again, contact support.";
    public const string InterruptedError = "The export was interrupted because the server stopped. Start a new export.";

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

    // Moves the oldest queued job to running and returns it; null when nothing is queued. The move
    // is conditional, so two runners never take the same job.
    public async Task<ExportJob?> ClaimNextAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        // Ends: every pass either claims a job or finds one another runner claimed first.
        while (await db.ExportJobs.AsNoTracking().Where(j => j.Status == ExportStatus.Queued).OrderBy(j => j.Sequence).FirstOrDefaultAsync(cancellationToken) is { } next)
        {
            var now = clock.GetUtcNow();
            var claimed = await db.ExportJobs
                .Where(j => j.Sequence == next.Sequence && j.Status == ExportStatus.Queued)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, ExportStatus.Running).SetProperty(j => j.StartedAt, now), cancellationToken);
            if (claimed == 1)
            {
                next.Status = ExportStatus.Running;
                next.StartedAt = now;
                LogStarted(logger, next.Id);
                return next;
            }
        }

        return null;
    }

    // Writes a claimed job's file beside its final name and moves it into place only when it is
    // complete, so a download never sees half a file. A failure is recorded on the job, never thrown,
    // except that stopping the app still stops it.
    public async Task WriteAsync(ExportJob job, CancellationToken cancellationToken = default)
    {
        string? temp = null;
        string? final = null;
        try
        {
            files.EnsureDirectory();
            temp = files.PathOf(ExportFiles.TempFileNameFor(job.Id));
            var fileName = ExportFiles.FileNameFor(job.Id, job.Format);
            final = files.PathOf(fileName);

            ExportCounts counts;
            await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
            {
                counts = await contentWriter.WriteAsync(job, stream, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            var size = new FileInfo(temp).Length;
            File.Move(temp, final, overwrite: true);

            var now = clock.GetUtcNow();
            var expiresAt = now + options.Value.Retention;
            await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
            var updated = await db.ExportJobs
                .Where(j => j.Sequence == job.Sequence && j.Status == ExportStatus.Running)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(j => j.Status, ExportStatus.Succeeded)
                        .SetProperty(j => j.MemoryCount, counts.Memories)
                        .SetProperty(j => j.KnowledgeCount, counts.Knowledge)
                        .SetProperty(j => j.SizeBytes, size)
                        .SetProperty(j => j.FileName, fileName)
                        .SetProperty(j => j.CompletedAt, now)
                        .SetProperty(j => j.ExpiresAt, expiresAt),
                    cancellationToken);
            if (updated == 0)
            {
                // The job is gone (its account was deleted while it ran) or no longer running: drop the file.
                TryDelete(final);
                LogAbandoned(logger, job.Id);
                return;
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
            TryDelete(temp);
            TryDelete(final);
            await MarkFailedAsync(job, InterruptedError, CancellationToken.None);
            throw;
        }
        catch (Exception exception)
        {
            TryDelete(temp);
            TryDelete(final);
            LogFailed(logger, exception, job.Id);
            await MarkFailedAsync(job, WriteFailedError, cancellationToken);
            return;
        }

        await PublishCompletedAsync(job, cancellationToken);
    }

    // Jobs left running by a previous run of the app will never finish: say so on each of them.
    // One app node runs exports today; with several, this would have to know whose jobs they were.
    public async Task<int> FailInterruptedAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var failed = await db.ExportJobs
            .Where(j => j.Status == ExportStatus.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, ExportStatus.Failed).SetProperty(j => j.CompletedAt, now).SetProperty(j => j.Error, InterruptedError), cancellationToken);
        if (failed > 0)
        {
            LogInterrupted(logger, failed);
        }

        return failed;
    }

    // Deletes the files of exports past their expiry and marks those jobs expired; then deletes
    // stray files (see StrayFileGrace). Answers how many jobs it expired.
    public async Task<int> CleanupAsync(CancellationToken cancellationToken = default)
    {
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
                if (job.FileName is not null && !TryDelete(files.PathOf(job.FileName)))
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

        var strayBefore = (now - options.Value.Retention - StrayFileGrace).UtcDateTime;
        var stray = 0;
        foreach (var file in files.OwnFiles().Where(f => f.LastWriteTimeUtc < strayBefore).ToList())
        {
            stray += TryDelete(file.FullName) ? 1 : 0;
        }

        if (expired > 0 || stray > 0)
        {
            LogCleanedUp(logger, expired, stray);
        }

        return expired;
    }

    private async Task MarkFailedAsync(ExportJob job, string error, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await db.ExportJobs
            .Where(j => j.Sequence == job.Sequence && j.Status == ExportStatus.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, ExportStatus.Failed).SetProperty(j => j.CompletedAt, now).SetProperty(j => j.Error, error), cancellationToken);
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

    private bool TryDelete(string? path)
    {
        if (path is null)
        {
            return true;
        }

        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            LogDeleteFailed(logger, exception, Path.GetFileName(path));
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Export {ExportId} started")]
    private static partial void LogStarted(ILogger logger, Guid exportId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Export {ExportId} succeeded: {MemoryCount} memories, {KnowledgeCount} knowledge entries, {SizeBytes} bytes")]
    private static partial void LogSucceeded(ILogger logger, Guid exportId, int? memoryCount, int? knowledgeCount, long sizeBytes);

    [LoggerMessage(Level = LogLevel.Error, Message = "Export {ExportId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, Guid exportId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Export {ExportId} finished after its job was deleted; its file was removed")]
    private static partial void LogAbandoned(ILogger logger, Guid exportId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Marked {Count} export(s) failed that were running when the app last stopped")]
    private static partial void LogInterrupted(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Export clean-up: {ExpiredCount} export(s) expired, {StrayCount} stray file(s) deleted")]
    private static partial void LogCleanedUp(ILogger logger, int expiredCount, int strayCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish the completion of export {ExportId}")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, Guid exportId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete export file {FileName}; the clean-up will try again")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception, string fileName);
}
