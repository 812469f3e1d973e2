using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Exports;

// Export jobs of one (owner, environment): every query is filtered by both, so another owner's or
// another environment's id is simply not found (see MemoryStore).
internal sealed class ExportStore(
    IDbContextFactory<ApplicationDbContext> contextFactory,
    IExportFileStore fileStore,
    ExportQueue queue,
    IOptions<ExportsOptions> options,
    TimeProvider clock)
{
    public async Task<ExportCreation> CreateAsync(ApiCaller caller, ExportFormat format, ExportContents include, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        // A soft limit: two requests at the same instant may both pass. It is there to keep one
        // owner from filling the queue, not to count exactly.
        var limit = options.Value.MaxPendingPerOwner;
        var pending = await db.ExportJobs.CountAsync(
            j => j.OwnerId == caller.OwnerId && (j.Status == ExportStatus.Queued || j.Status == ExportStatus.Running),
            cancellationToken);
        if (pending >= limit)
        {
            return ExportCreation.LimitReached(limit);
        }

        var now = clock.GetUtcNow();
        var job = new ExportJob
        {
            Id = Guid.CreateVersion7(now),
            OwnerId = caller.OwnerId,
            Environment = caller.Environment,
            Format = format,
            Include = include,
            Status = ExportStatus.Queued,
            CreatedAt = now,
        };
        db.ExportJobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);
        queue.Signal();
        return ExportCreation.Created(ToDto(job, now));
    }

    public async Task<Page<ExportDto>> ListAsync(ApiCaller caller, PageRequest page, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var jobs = Scope(db, caller);
        var rows = await jobs.PageRowsAsync(page, cancellationToken);
        var now = clock.GetUtcNow();
        return page.ToPage(rows, j => j.Sequence, j => ToDto(j, now));
    }

    public async Task<ExportDto?> GetAsync(ApiCaller caller, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var job = await Scope(db, caller).SingleOrDefaultAsync(j => j.Id == id, cancellationToken);
        return job is null ? null : ToDto(job, clock.GetUtcNow());
    }

    public async Task<ExportDownload> FindDownloadAsync(ApiCaller caller, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await FindDownloadAsync(Scope(db, caller), id, cancellationToken);
    }

    // The dashboard's download link (ExportDownloadEndpoint): one of the signed-in owner's exports in
    // either environment, so a link keeps working whichever way the tab's test mode is switched.
    // The export's own environment decides what it holds; another owner's id is not found.
    public async Task<ExportDownload> FindDownloadAsync(string ownerId, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await FindDownloadAsync(db.ExportJobs.AsNoTracking().Where(j => j.OwnerId == ownerId), id, cancellationToken);
    }

    private async Task<ExportDownload> FindDownloadAsync(IQueryable<ExportJob> jobs, Guid id, CancellationToken cancellationToken)
    {
        var job = await jobs.SingleOrDefaultAsync(j => j.Id == id, cancellationToken);
        if (job is null)
        {
            return new ExportDownload(ExportDownloadState.NotFound);
        }

        var now = clock.GetUtcNow();
        var dto = ToDto(job, now);
        if (job.Status is ExportStatus.Queued or ExportStatus.Running or ExportStatus.Failed)
        {
            return new ExportDownload(ExportDownloadState.NotReady, dto);
        }

        // Past its expiry the file is gone for the caller even if the clean-up has not run yet.
        if (!IsDownloadable(job, now) || job.FileName is null)
        {
            return new ExportDownload(ExportDownloadState.Gone, dto);
        }

        // The file is the job row's, found for this caller, never named by the request.
        return await fileStore.OpenAsync(job, cancellationToken) is { } file
            ? new ExportDownload(ExportDownloadState.Ready, dto, file, ExportFiles.ContentTypeFor(job.Format), ExportFiles.ETagFor(job))
            : new ExportDownload(ExportDownloadState.Gone, dto);
    }

    public static ExportDto ToDto(ExportJob job, DateTimeOffset now)
    {
        var include = new List<string>(2);
        if (job.Include.HasFlag(ExportContents.Memories))
        {
            include.Add(ExportValues.Memories);
        }

        if (job.Include.HasFlag(ExportContents.Knowledge))
        {
            include.Add(ExportValues.Knowledge);
        }

        var status = job.Status == ExportStatus.Succeeded && !IsDownloadable(job, now) ? ExportStatus.Expired : job.Status;
        return new ExportDto(
            job.Id,
            ExportValues.Name(job.Format),
            include,
            ExportValues.Name(status),
            job.MemoryCount,
            job.KnowledgeCount,
            job.SizeBytes,
            ExportFiles.DownloadNameFor(job.Environment, job.CreatedAt, job.Format),
            status == ExportStatus.Succeeded ? $"{ApiExtensions.BasePath}/exports/{job.Id}/download" : null,
            job.CreatedAt,
            job.StartedAt,
            job.CompletedAt,
            job.ExpiresAt,
            job.Error);
    }

    private static bool IsDownloadable(ExportJob job, DateTimeOffset now) =>
        job.Status == ExportStatus.Succeeded && job.ExpiresAt > now;

    private static IQueryable<ExportJob> Scope(ApplicationDbContext db, ApiCaller caller) =>
        db.ExportJobs.AsNoTracking().OwnedBy(caller);
}
