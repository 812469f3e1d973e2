using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Exports;

// Export files as chunks in the database (ExportChunks), which every node reads: the default on
// PostgreSQL (docs/several-nodes.md "Where export files live"). A run inserts its chunks under its
// own attempt as the content streams in, one chunk (Exports:ChunkBytes) in memory at a time; the
// success update of the job, conditional on this node still holding it, is what makes them the
// job's file (a succeeded job's file is the chunks of its Attempts), in the same transaction that
// deletes any other run's chunks. A download reads chunk by chunk, and a range only the chunks it
// covers.
internal sealed partial class DatabaseExportFileStore(
    IDbContextFactory<ApplicationDbContext> contextFactory,
    IOptions<ExportsOptions> options,
    ILogger<DatabaseExportFileStore> logger) : IExportFileStore
{
    // Chunks deleted per statement: a bounded amount of work (and of row versions) at a time.
    private const int DeleteBatchSize = 32;

    private long chunksRead;

    private IDbContextFactory<ApplicationDbContext> Contexts => contextFactory;

    private ILogger Logger => logger;

    public ExportStorage Storage => ExportStorage.Database;

    // Chunks fetched for downloads since the app started (tests count them).
    public long ChunksRead => Interlocked.Read(ref chunksRead);

    public async Task<IExportFileRun> BeginAsync(ExportJob job, CancellationToken cancellationToken)
    {
        // What an earlier run under this attempt left (handed back at shutdown before its chunks
        // were deleted) would clash with this run's keys.
        await DeleteRunAsync(job.Sequence, job.Attempts, cancellationToken);
        return new Run(this, job, options.Value.ChunkBytes);
    }

    public async Task<ExportFileContent?> OpenAsync(ExportJob job, CancellationToken cancellationToken)
    {
        if (job.SizeBytes is not { } size)
        {
            return null;
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var stored = await Chunks(db, job.Sequence, job.Attempts).AnyAsync(cancellationToken);
        return stored || size == 0
            ? new ExportFileContent(null, new ChunkReadStream(this, job.Sequence, job.Attempts, size, options.Value.ChunkBytes))
            : null;
    }

    public async Task<bool> DeleteAsync(ExportJob job, CancellationToken cancellationToken)
    {
        await DeleteRunAsync(job.Sequence, job.Attempts, cancellationToken);
        return true;
    }

    // Chunks of a run that is not the file of a succeeded job nor the run of a running one: a run
    // taken over by another node, a run whose node died, a job that failed or expired.
    public async Task<int> DeleteStrayAsync(DateTimeOffset strayBefore, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var stray = db.ExportChunks.Where(c => !db.ExportJobs.Any(j =>
            j.Sequence == c.JobSequence && j.Attempts == c.Attempt && (j.Status == ExportStatus.Succeeded || j.Status == ExportStatus.Running)));
        return await DeleteInBatchesAsync(stray, cancellationToken);
    }

    private async Task DeleteRunAsync(long jobSequence, int attempt, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await DeleteInBatchesAsync(Chunks(db, jobSequence, attempt), cancellationToken);
    }

    private static async Task<int> DeleteInBatchesAsync(IQueryable<ExportChunk> chunks, CancellationToken cancellationToken)
    {
        var deleted = 0;
        // Ends: every full batch deletes rows that then no longer match; a short one is the last.
        while (true)
        {
            var batch = await chunks.OrderBy(c => c.JobSequence).ThenBy(c => c.Attempt).ThenBy(c => c.Index)
                .Take(DeleteBatchSize)
                .ExecuteDeleteAsync(cancellationToken);
            deleted += batch;
            if (batch < DeleteBatchSize)
            {
                return deleted;
            }
        }
    }

    private static IQueryable<ExportChunk> Chunks(ApplicationDbContext db, long jobSequence, int attempt) =>
        db.ExportChunks.Where(c => c.JobSequence == jobSequence && c.Attempt == attempt);

    private async Task InsertAsync(ExportChunk chunk, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        db.ExportChunks.Add(chunk);
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task<byte[]> ReadChunkAsync(long jobSequence, int attempt, int index, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref chunksRead);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await Chunks(db, jobSequence, attempt).Where(c => c.Index == index).Select(c => c.Data).SingleOrDefaultAsync(cancellationToken)
            // Deleted while it was read (expired and swept mid-download): the response is cut short.
            ?? throw new IOException("The export's file was deleted while it was read.");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete the chunks of export run {Attempt} of job {JobSequence}; the clean-up will")]
    private static partial void LogDiscardFailed(ILogger logger, Exception exception, long jobSequence, int attempt);

    private sealed class Run(DatabaseExportFileStore store, ExportJob job, int chunkBytes) : IExportFileRun
    {
        private readonly ChunkWriteStream content = new(store, job.Sequence, job.Attempts, chunkBytes);

        public Stream Content => content;

        public async Task<long> CompleteAsync(CancellationToken cancellationToken)
        {
            await content.CompleteAsync(cancellationToken);
            return content.Length;
        }

        // One transaction: the job's success, conditional on this node still holding this run, and
        // the deletion of every other run's chunks. Either this run's chunks are the file and the job
        // says so, or neither.
        public async Task<bool> CommitAsync(Func<ApplicationDbContext, CancellationToken, Task<int>> recordSuccess, CancellationToken cancellationToken)
        {
            await using (var db = await store.Contexts.CreateDbContextAsync(cancellationToken))
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                if (await recordSuccess(db, cancellationToken) == 1)
                {
                    await db.ExportChunks.Where(c => c.JobSequence == job.Sequence && c.Attempt != job.Attempts).ExecuteDeleteAsync(cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                    return true;
                }
            }

            await DiscardAsync();
            return false;
        }

        public async Task DiscardAsync()
        {
            try
            {
                await store.DeleteRunAsync(job.Sequence, job.Attempts, CancellationToken.None);
            }
            catch (Exception exception)
            {
                // The clean-up deletes them: they belong to no succeeded or running run.
                LogDiscardFailed(store.Logger, exception, job.Sequence, job.Attempts);
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    // Takes the content and inserts it one full chunk at a time, each insert awaited by the write
    // that filled its chunk, so memory stays one chunk (and what one write brings) whatever the file's
    // size. Writes are asynchronous only (ExportContentWriter awaits each): a synchronous one would
    // hold a thread for a database round trip.
    private sealed class ChunkWriteStream(DatabaseExportFileStore store, long jobSequence, int attempt, int chunkBytes) : Stream
    {
        private readonly Queue<ExportChunk> waiting = new();
        private byte[] buffer = new byte[chunkBytes];
        private int filled;
        private int nextIndex;
        private long length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => length;

        public override long Position
        {
            get => length;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) =>
            throw new NotSupportedException("Export chunks are written asynchronously only.");

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        {
            Fill(data.Span);
            await InsertWaitingAsync(cancellationToken);
        }

        // Every asynchronous write has inserted the chunks it filled: nothing waits here.
        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => InsertWaitingAsync(cancellationToken);

        // The last, partial chunk, then everything waiting.
        public async Task CompleteAsync(CancellationToken cancellationToken)
        {
            if (filled > 0)
            {
                waiting.Enqueue(new ExportChunk { JobSequence = jobSequence, Attempt = attempt, Index = nextIndex++, Data = buffer.AsSpan(0, filled).ToArray() });
                filled = 0;
            }

            await InsertWaitingAsync(cancellationToken);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private void Fill(ReadOnlySpan<byte> data)
        {
            length += data.Length;
            while (!data.IsEmpty)
            {
                var take = Math.Min(data.Length, buffer.Length - filled);
                data[..take].CopyTo(buffer.AsSpan(filled));
                filled += take;
                data = data[take..];
                if (filled == buffer.Length)
                {
                    // A full chunk keeps its array; the next one gets a new one.
                    waiting.Enqueue(new ExportChunk { JobSequence = jobSequence, Attempt = attempt, Index = nextIndex++, Data = buffer });
                    buffer = new byte[chunkBytes];
                    filled = 0;
                }
            }
        }

        private async Task InsertWaitingAsync(CancellationToken cancellationToken)
        {
            while (waiting.TryDequeue(out var chunk))
            {
                await store.InsertAsync(chunk, cancellationToken);
            }
        }
    }

    // A job's file read chunk by chunk: seekable, so that a range request (the framework seeks to its
    // start and reads its length) fetches only the chunks the range covers. One chunk in memory.
    private sealed class ChunkReadStream(DatabaseExportFileStore store, long jobSequence, int attempt, long length, int chunkBytes) : Stream
    {
        private byte[]? current;
        private int currentIndex = -1;
        private long position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position
        {
            get => position;
            set => Seek(value, SeekOrigin.Begin);
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
        {
            if (position >= length || destination.IsEmpty)
            {
                return 0;
            }

            var index = (int)(position / chunkBytes);
            if (index != currentIndex)
            {
                current = null;
                current = await store.ReadChunkAsync(jobSequence, attempt, index, cancellationToken);
                currentIndex = index;
            }

            var offset = (int)(position - ((long)index * chunkBytes));
            var count = Math.Min(destination.Length, current!.Length - offset);
            if (count <= 0)
            {
                throw new IOException("The export's file is shorter than its recorded size.");
            }

            current.AsSpan(offset, count).CopyTo(destination.Span);
            position += count;
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        // The server reads asynchronously; this is for completeness.
        public override int Read(byte[] buffer, int offset, int count) =>
            ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override long Seek(long offset, SeekOrigin origin)
        {
            var target = origin switch
            {
                SeekOrigin.Begin => offset,
                SeekOrigin.Current => position + offset,
                SeekOrigin.End => length + offset,
                _ => throw new ArgumentOutOfRangeException(nameof(origin)),
            };
            ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
            position = target;
            return position;
        }

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
