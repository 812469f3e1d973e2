using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Knowledge;
using Memsolus.Dashboard.Memories;
using Memsolus.Dashboard.Observability;
using Memsolus.Dashboard.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Ingestion;

// The unit of work of the ingestion worker: claim the oldest queued job, import its files or URL
// through the memory and knowledge stores (same limits as the API), record counts and per-item
// errors as it goes, finish the job and announce ingest.completed. Tests call RunOnceAsync
// directly; the worker calls it until it answers false. A node claims a job with a lease
// (QueueLease) and renews it while the job runs (and with every save); every save is conditional on
// still holding it. A job cannot be run again safely (part of its entries exist), so a running job
// whose lease has run out (its node died or stalled) is failed with InterruptedMessage by whichever
// node sees it first; a job another node holds is never touched (docs/several-nodes.md).
internal sealed partial class IngestRunner(
    IDbContextFactory<ApplicationDbContext> contextFactory,
    KnowledgeStore knowledge,
    MemoryStore memories,
    UrlFetcher fetcher,
    IWebhookEvents events,
    IOptions<IngestOptions> options,
    LeaseNode node,
    IngestMetrics metrics,
    TimeProvider clock,
    ILogger<IngestRunner> logger)
{
    // The trace of one run of an import job.
    public const string ActivityName = "ingest.run";

    public const string InterruptedMessage = "The server stopped while this job ran; submit the items that are missing again.";
    // Memories of a JSONL file written in one transaction.
    public const int MemoryBatchSize = 500;

    public const string InternalErrorMessage = "The job stopped because of an internal error; submit the items that are missing again.";

    // False when no job was waiting.
    public async Task<bool> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var job = await ClaimAsync(cancellationToken);
        if (job is null)
        {
            return false;
        }

        if (job.Status != IngestJobStatus.Running)
        {
            // Another worker took it first; there may be more.
            return true;
        }

        using var activity = Telemetry.ActivitySource.StartActivity(ActivityName);
        activity?.SetTag("memsolus.ingest.id", job.Id);
        activity?.SetTag("memsolus.ingest.kind", job.Kind == IngestJobKind.Url ? "url" : "files");
        await metrics.MeasureAsync(activity, "memsolus.ingest.outcome", () => RunJobAsync(job, cancellationToken));
        return true;
    }

    // Runs a claimed job to its end and answers its outcome (IngestMetrics).
    private async Task<string> RunJobAsync(IngestJob job, CancellationToken cancellationToken)
    {
        var run = new JobRun(job);
        await using var lease = LeaseRenewal.Start(
            (until, token) => RenewAsync(job, until, token), options.Value.LeaseDuration, clock, logger, cancellationToken);
        try
        {
            if (job.Kind == IngestJobKind.Url)
            {
                await ImportUrlAsync(run, lease.Token);
            }
            else
            {
                await ImportFilesAsync(run, lease.Token);
            }
        }
        catch (JobDeletedException)
        {
            // Deleted while it ran, or this node's lease ran out and another node has failed it.
            return IngestMetrics.Abandoned;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the job is finished as interrupted now rather than once its lease runs out.
            await FailStoppedAsync(run);
            throw;
        }
        catch (OperationCanceledException) when (lease.Lost)
        {
            LogLeaseLost(logger, job.Id);
            return IngestMetrics.Abandoned;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogJobFailed(logger, exception, job.Id);
            run.Note(InternalErrorMessage);
            run.Broken = true;
        }

        job.Status = run.Broken || (job.Succeeded == 0 && job.Failed > 0) ? IngestJobStatus.Failed
            : job.Failed > 0 ? IngestJobStatus.Partial
            : IngestJobStatus.Succeeded;
        job.CompletedAt = clock.GetUtcNow();
        if (!await SaveAsync(run, deleteItems: true, cancellationToken))
        {
            return IngestMetrics.Abandoned;
        }

        LogJobCompleted(logger, job.Id, IngestJobStore.StatusName(job.Status), job.Succeeded, job.Failed);
        await PublishAsync(job, cancellationToken);
        return IngestJobStore.StatusName(job.Status);
    }

    // Running jobs no node holds any more: their lease has run out (the node died or stalled) or they
    // have none (left by a version without leases). They cannot be resumed safely (part of their
    // entries exist), so each is taken over by this node and finished as failed with
    // InterruptedMessage. A job whose node still renews its lease is left alone, so a node that
    // starts while another runs a job never fails it. The worker does this every round.
    public async Task<int> FailInterruptedAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        List<IngestJob> interrupted;
        await using (var db = await contextFactory.CreateDbContextAsync(cancellationToken))
        {
            interrupted = await db.IngestJobs.AsNoTracking()
                .Where(j => j.Status == IngestJobStatus.Running)
                .Free(now)
                .OrderBy(j => j.Sequence)
                .ToListAsync(cancellationToken);
        }

        var failed = 0;
        foreach (var job in interrupted)
        {
            if (!await TakeOverAsync(job, now, cancellationToken))
            {
                // Another node took it first (or its node renewed the lease just now).
                continue;
            }

            var run = new JobRun(job);
            run.Note(InterruptedMessage);
            job.Status = IngestJobStatus.Failed;
            job.CompletedAt = now;
            if (await SaveAsync(run, deleteItems: true, cancellationToken))
            {
                failed++;
                LogInterrupted(logger, job.Id);
                await PublishAsync(job, cancellationToken);
            }
        }

        return failed;
    }

    // Takes a running job whose lease has run out; false when it is no longer free.
    private async Task<bool> TakeOverAsync(IngestJob job, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var until = now + options.Value.LeaseDuration;
        var taken = await db.IngestJobs
            .Where(j => j.Sequence == job.Sequence && j.Status == IngestJobStatus.Running)
            .Free(now)
            .ExecuteUpdateAsync(s => s.Lease(node.Id, until), cancellationToken);
        if (taken == 1)
        {
            job.LeasedBy = node.Id;
            job.LeasedUntil = until;
        }

        return taken == 1;
    }

    // The app is stopping while this node runs the job: what was imported stays, the rest is
    // reported missing. If this fails too, the lease runs out and another node fails the job.
    private async Task FailStoppedAsync(JobRun run)
    {
        try
        {
            run.Note(InterruptedMessage);
            run.Job.Status = IngestJobStatus.Failed;
            run.Job.CompletedAt = clock.GetUtcNow();
            if (await SaveAsync(run, deleteItems: true, CancellationToken.None))
            {
                await PublishAsync(run.Job, CancellationToken.None);
            }
        }
        catch (Exception exception)
        {
            LogStopFailed(logger, exception, run.Job.Id);
        }
    }

    private async Task<bool> RenewAsync(IngestJob job, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.IngestJobs.Where(j => j.Sequence == job.Sequence && j.Status == IngestJobStatus.Running).RenewAsync(node.Id, until, cancellationToken);
    }

    private async Task<IngestJob?> ClaimAsync(CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var job = await db.IngestJobs.AsNoTracking()
            .Where(j => j.Status == IngestJobStatus.Queued)
            .OrderBy(j => j.Sequence)
            .FirstOrDefaultAsync(cancellationToken);
        if (job is null)
        {
            return null;
        }

        DateTimeOffset? now = clock.GetUtcNow();
        var until = now.Value + options.Value.LeaseDuration;
        var claimed = await db.IngestJobs
            .Where(j => j.Sequence == job.Sequence && j.Status == IngestJobStatus.Queued)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, IngestJobStatus.Running).SetProperty(j => j.StartedAt, now).Lease(node.Id, until), cancellationToken);
        if (claimed == 1)
        {
            job.Status = IngestJobStatus.Running;
            job.StartedAt = now;
            job.LeasedBy = node.Id;
            job.LeasedUntil = until;
        }

        return job;
    }

    private async Task ImportFilesAsync(JobRun run, CancellationToken cancellationToken)
    {
        List<(long Sequence, string Name)> items;
        await using (var db = await contextFactory.CreateDbContextAsync(cancellationToken))
        {
            items = (await db.IngestItems.Where(i => i.JobSequence == run.Job.Sequence)
                    .OrderBy(i => i.Sequence)
                    .Select(i => new { i.Sequence, i.Name })
                    .ToListAsync(cancellationToken))
                .Select(i => (i.Sequence, i.Name))
                .ToList();
        }

        // One file's bytes in memory at a time.
        foreach (var (sequence, name) in items)
        {
            byte[]? content;
            await using (var db = await contextFactory.CreateDbContextAsync(cancellationToken))
            {
                content = await db.IngestItems.Where(i => i.Sequence == sequence).Select(i => i.Content).SingleAsync(cancellationToken);
            }

            await ImportFileAsync(run, name, content, cancellationToken);
            if (!await SaveAsync(run, deleteItems: false, cancellationToken))
            {
                throw new JobDeletedException();
            }
        }
    }

    private async Task ImportFileAsync(JobRun run, string name, byte[]? content, CancellationToken cancellationToken)
    {
        if (!IngestFormats.IsSupported(name))
        {
            var extension = IngestFormats.Extension(name);
            run.Fail(name, null, extension.Length == 0
                ? "The file has no extension; upload .txt, .md or .jsonl files."
                : $"Files of type {extension} are not supported; upload .txt, .md or .jsonl files.");
            return;
        }

        if (content is null || content.Length == 0)
        {
            run.Fail(name, null, "The file is empty.");
            return;
        }

        if (!TextDecoding.TryDecodeText(content, out var text))
        {
            run.Fail(name, null, "The file is not UTF-8 text.");
            return;
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            run.Fail(name, null, "The file is empty.");
            return;
        }

        if (IngestFormats.IsJsonLines(name))
        {
            await ImportMemoriesAsync(run, name, text, cancellationToken);
        }
        else
        {
            await ImportKnowledgeAsync(run, name, DocumentTitle.Of(text) ?? DocumentTitle.FromFileName(name), text, name, cancellationToken);
        }
    }

    private async Task ImportMemoriesAsync(JobRun run, string name, string text, CancellationToken cancellationToken)
    {
        // Written MemoryBatchSize lines at a time (MemoryStore.CreateManyAsync): one write per line
        // made a 50,000-line file take minutes (docs/several-nodes.md "Measured").
        var batch = new List<(string Content, List<string> Tags, string? Metadata)>(MemoryBatchSize);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (!MemoryLines.TryParse(line, out var memory, out var error))
            {
                run.Fail(name, i + 1, error);
                continue;
            }

            batch.Add((memory!.Content, memory.Tags, memory.Metadata));
            if (batch.Count == MemoryBatchSize)
            {
                await CreateMemoriesAsync(run, batch, cancellationToken);
            }
        }

        await CreateMemoriesAsync(run, batch, cancellationToken);
    }

    private async Task CreateMemoriesAsync(JobRun run, List<(string Content, List<string> Tags, string? Metadata)> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        await memories.CreateManyAsync(run.Caller, batch, cancellationToken);
        for (var i = 0; i < batch.Count; i++)
        {
            run.MemoryCreated();
        }

        batch.Clear();
    }

    private async Task ImportUrlAsync(JobRun run, CancellationToken cancellationToken)
    {
        var url = run.Job.Url!;
        var result = await fetcher.FetchAsync(new Uri(url), cancellationToken);
        if (result.Page is not { } page)
        {
            run.Fail(url, null, result.Error!);
            return;
        }

        var source = page.Url.AbsoluteUri.Length <= KnowledgeEntry.MaxSourceLength ? page.Url.AbsoluteUri : url;
        var title = page.Title ?? IngestFormats.Shorten(page.Url.Host + page.Url.AbsolutePath.TrimEnd('/'), KnowledgeEntry.MaxTitleLength);
        await ImportKnowledgeAsync(run, url, title, page.Text, source, cancellationToken);
    }

    private async Task ImportKnowledgeAsync(JobRun run, string item, string title, string text, string source, CancellationToken cancellationToken)
    {
        // Fetched pages are decoded leniently and their entities may name a NUL or a lone
        // surrogate: what no provider can store is replaced, never written.
        var content = StoredText.Repair(text).Trim();
        title = StoredText.Repair(title);
        if (content.Length == 0)
        {
            run.Fail(item, null, "There is no text to import.");
            return;
        }

        if (content.Length > KnowledgeEntry.MaxContentLength)
        {
            run.Fail(item, null, $"The text is {content.Length:N0} characters; a knowledge entry may hold at most {KnowledgeEntry.MaxContentLength:N0}.");
            return;
        }

        await knowledge.CreateAsync(run.Caller, title, content, source, cancellationToken);
        run.KnowledgeCreated();
    }

    // Writes the job's counts and status and its new errors in one transaction, as long as this node
    // holds the job: it extends the lease while the job runs and drops it once the job is finished.
    // False when the job is gone (its owner was deleted while it ran) or another node has taken it
    // over (this node's lease ran out).
    private async Task<bool> SaveAsync(JobRun run, bool deleteItems, CancellationToken cancellationToken)
    {
        var job = run.Job;
        var finished = job.Status != IngestJobStatus.Running;
        var until = clock.GetUtcNow() + options.Value.LeaseDuration;
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var updated = await db.IngestJobs
                .Where(j => j.Sequence == job.Sequence && j.Status == IngestJobStatus.Running)
                .HeldBy(node.Id)
                .ExecuteUpdateAsync(
                    s =>
                    {
                        s.SetProperty(j => j.Status, job.Status)
                            .SetProperty(j => j.Items, job.Items)
                            .SetProperty(j => j.Succeeded, job.Succeeded)
                            .SetProperty(j => j.Failed, job.Failed)
                            .SetProperty(j => j.KnowledgeCreated, job.KnowledgeCreated)
                            .SetProperty(j => j.MemoriesCreated, job.MemoriesCreated)
                            .SetProperty(j => j.CompletedAt, job.CompletedAt);
                        if (finished)
                        {
                            s.Unlease();
                        }
                        else
                        {
                            s.SetProperty(j => j.LeasedUntil, until);
                        }
                    },
                    cancellationToken);
            if (updated == 0)
            {
                LogJobGone(logger, job.Id);
                return false;
            }

            db.IngestItemErrors.AddRange(run.TakeNewErrors());
            await db.SaveChangesAsync(cancellationToken);
            if (deleteItems)
            {
                // The files have become entries; their bytes are not kept.
                await db.IngestItems.Where(i => i.JobSequence == job.Sequence).ExecuteDeleteAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException exception)
        {
            if (exception is not DbUpdateConcurrencyException && await JobExistsAsync(job.Sequence, cancellationToken))
            {
                throw;
            }

            LogJobGone(logger, job.Id);
            return false;
        }
    }

    private async Task<bool> JobExistsAsync(long sequence, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.IngestJobs.AnyAsync(j => j.Sequence == sequence, cancellationToken);
    }

    private async Task PublishAsync(IngestJob job, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
            if (await IngestJobStore.GetAsync(db, job.Sequence, cancellationToken) is { } dto)
            {
                await events.PublishAsync(job.OwnerId, job.Environment, WebhookEventTypes.IngestCompleted, dto, cancellationToken);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The job is finished whatever happens to its announcement.
            LogPublishFailed(logger, exception, job.Id);
        }
    }

    private sealed class JobDeletedException : Exception;

    // What one job has done so far; the entity is the one SaveAsync writes.
    private sealed class JobRun(IngestJob job)
    {
        private List<IngestItemError> newErrors = [];
        private int recordedErrors = -1;

        public IngestJob Job => job;

        public ApiCaller Caller { get; } = new(job.OwnerId, job.Environment, job.KeyId);

        public bool Broken { get; set; }

        public void KnowledgeCreated()
        {
            job.Items++;
            job.Succeeded++;
            job.KnowledgeCreated++;
        }

        public void MemoryCreated()
        {
            job.Items++;
            job.Succeeded++;
            job.MemoriesCreated++;
        }

        public void Fail(string item, int? line, string message)
        {
            job.Items++;
            job.Failed++;
            // Until this run records an error, the job holds one per failure counted before (up
            // to the cap), written by earlier saves.
            if (recordedErrors < 0)
            {
                recordedErrors = job.Failed - 1;
            }

            if (recordedErrors < IngestJob.MaxRecordedErrors)
            {
                recordedErrors++;
                Add(item, line, message);
            }
        }

        // Why the job as a whole stopped: no record of its own, and always kept.
        public void Note(string message) => Add(job.Url ?? "upload", null, message);

        private void Add(string item, int? line, string message) => newErrors.Add(new IngestItemError
        {
            JobSequence = job.Sequence,
            Item = IngestFormats.Shorten(item, IngestJob.MaxUrlLength),
            Line = line,
            Message = IngestFormats.Shorten(message, IngestJob.MaxMessageLength),
        });

        public List<IngestItemError> TakeNewErrors()
        {
            var taken = newErrors;
            newErrors = [];
            return taken;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Ingestion job {JobId} failed")]
    private static partial void LogJobFailed(ILogger logger, Exception exception, Guid jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingestion job {JobId} finished {Status}: {Succeeded} imported, {Failed} failed")]
    private static partial void LogJobCompleted(ILogger logger, Guid jobId, string status, int succeeded, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingestion job {JobId}: its node's lease ran out, so it is failed as interrupted")]
    private static partial void LogInterrupted(ILogger logger, Guid jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingestion job {JobId}: this node lost its lease to another node; stopped here")]
    private static partial void LogLeaseLost(ILogger logger, Guid jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not finish ingestion job {JobId} as interrupted while stopping; it is failed once its lease runs out")]
    private static partial void LogStopFailed(ILogger logger, Exception exception, Guid jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingestion job {JobId} was deleted while it ran, or another node took it over")]
    private static partial void LogJobGone(ILogger logger, Guid jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not announce the completion of ingestion job {JobId}")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, Guid jobId);
}
