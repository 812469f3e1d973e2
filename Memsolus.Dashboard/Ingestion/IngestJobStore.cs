using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Ingestion;

// Ingestion jobs of one (owner, environment); see MemoryStore. New jobs wake the worker.
internal sealed class IngestJobStore(IDbContextFactory<ApplicationDbContext> contextFactory, TimeProvider clock, IngestQueue queue)
{
    public async Task<IngestJobDto> CreateFilesJobAsync(ApiCaller caller, IReadOnlyList<UploadedFile> files, CancellationToken cancellationToken)
    {
        var job = NewJob(caller, IngestJobKind.Files, url: null);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.IngestJobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);
        db.IngestItems.AddRange(files.Select(f => new IngestItem { JobSequence = job.Sequence, Name = f.Name, Content = f.Content }));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        queue.Signal();
        return ToDto(job, []);
    }

    public async Task<IngestJobDto> CreateUrlJobAsync(ApiCaller caller, string url, CancellationToken cancellationToken)
    {
        var job = NewJob(caller, IngestJobKind.Url, url);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        db.IngestJobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);
        queue.Signal();
        return ToDto(job, []);
    }

    public async Task<Page<IngestJobDto>> ListAsync(ApiCaller caller, PageRequest page, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var jobs = Scope(db, caller);
        var rows = await jobs.PageRowsAsync(page, cancellationToken);
        var errors = await ErrorsAsync(db, rows.Select(j => j.Sequence).ToList(), cancellationToken);
        return page.ToPage(rows, j => j.Sequence, j => ToDto(j, errors[j.Sequence]));
    }

    public async Task<IngestJobDto?> GetAsync(ApiCaller caller, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var job = await Scope(db, caller).SingleOrDefaultAsync(j => j.Id == id, cancellationToken);
        return job is null ? null : ToDto(job, (await ErrorsAsync(db, [job.Sequence], cancellationToken))[job.Sequence]);
    }

    // The job as its owner sees it, whoever asks (the worker, for the ingest.completed event).
    public static async Task<IngestJobDto?> GetAsync(ApplicationDbContext db, long sequence, CancellationToken cancellationToken)
    {
        var job = await db.IngestJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Sequence == sequence, cancellationToken);
        return job is null ? null : ToDto(job, (await ErrorsAsync(db, [sequence], cancellationToken))[sequence]);
    }

    private IngestJob NewJob(ApiCaller caller, IngestJobKind kind, string? url)
    {
        var now = clock.GetUtcNow();
        return new IngestJob
        {
            Id = Guid.CreateVersion7(now),
            OwnerId = caller.OwnerId,
            Environment = caller.Environment,
            KeyId = caller.KeyId,
            Kind = kind,
            Status = IngestJobStatus.Queued,
            Url = url,
            CreatedAt = now,
        };
    }

    private static IQueryable<IngestJob> Scope(ApplicationDbContext db, ApiCaller caller) =>
        db.IngestJobs.AsNoTracking().OwnedBy(caller);

    private static async Task<ILookup<long, IngestItemErrorDto>> ErrorsAsync(ApplicationDbContext db, List<long> jobs, CancellationToken cancellationToken)
    {
        var rows = await db.IngestItemErrors.AsNoTracking()
            .Where(e => jobs.Contains(e.JobSequence))
            .OrderBy(e => e.Sequence)
            .ToListAsync(cancellationToken);
        return rows.ToLookup(e => e.JobSequence, e => new IngestItemErrorDto(e.Item, e.Line, e.Message));
    }

    private static IngestJobDto ToDto(IngestJob j, IEnumerable<IngestItemErrorDto> errors) => new(
        j.Id,
        KindName(j.Kind),
        StatusName(j.Status),
        j.Url,
        j.Items,
        j.Succeeded,
        j.Failed,
        j.KnowledgeCreated,
        j.MemoriesCreated,
        errors.ToList(),
        j.CreatedAt,
        j.StartedAt,
        j.CompletedAt);

    public static string KindName(IngestJobKind kind) => kind == IngestJobKind.Url ? "url" : "files";

    public static string StatusName(IngestJobStatus status) => status switch
    {
        IngestJobStatus.Queued => "queued",
        IngestJobStatus.Running => "running",
        IngestJobStatus.Succeeded => "succeeded",
        IngestJobStatus.Partial => "partial",
        _ => "failed",
    };
}
