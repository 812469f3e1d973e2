using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.ApiKeys.Verification;

// What the failed-attempt limiter and the per-key rate limiter do to count once across nodes on one
// PostgreSQL database: every interval, add the counts this node took since the last sync to the
// shared rows of the current aligned window (one atomic upsert each, all in one transaction), read
// back every node's totals for that window and apply them here. Requests never wait for the
// database. A database that cannot be reached costs only the sharing: a Warning is logged, counts
// not yet written are kept for the next sync, and the node's own limit goes on working. Rows of
// ended windows are deleted every DeleteInterval.
internal abstract class SharedWindowSyncWorker<TCount>(
    IDbContextFactory<ApplicationDbContext> contextFactory,
    TimeProvider clock,
    ILogger logger) : BackgroundWorker(clock, logger)
{
    // Null until the first round, which deletes.
    private DateTimeOffset? nextDelete;
    private long rounds;

    // Nothing has been counted on this node yet at start.
    protected override bool RunsAtStart => false;

    // Syncs that reached the database: a test waits for this to move rather than for a time.
    public long Rounds => Interlocked.Read(ref rounds);

    protected abstract TimeSpan DeleteInterval { get; }

    // The start (UTC ticks) of the shared window the instant `nowTicks` falls in.
    protected abstract long WindowStart(long nowTicks);

    protected abstract List<TCount> TakeUnshared(long windowStart);

    protected abstract void ReturnUnshared(long windowStart, List<TCount> taken);

    // The order rows are written in: one fixed order, so two nodes' transactions lock shared rows
    // in the same order and never deadlock.
    protected abstract int Compare(TCount left, TCount right);

    // Adds one count to its shared row (`start` is the window as EF stores it).
    protected abstract Task UpsertAsync(ApplicationDbContext db, object start, TCount count, CancellationToken cancellationToken);

    // Reads the window's totals and applies them to this node; returns what the caller reports.
    protected abstract Task<int> ApplySharedAsync(ApplicationDbContext db, long windowStart, List<TCount> taken, CancellationToken cancellationToken);

    protected abstract Task<int> DeleteBeforeAsync(ApplicationDbContext db, DateTimeOffset windowStart, CancellationToken cancellationToken);

    protected virtual void AfterDelete()
    {
    }

    protected abstract void LogSyncFailed(Exception exception, int kept);

    protected abstract void LogDeleteFailed(Exception exception);

    protected override async Task RunRoundAsync(CancellationToken cancellationToken)
    {
        await SyncAsync(cancellationToken);
        if (nextDelete is null || Clock.GetUtcNow() >= nextDelete)
        {
            nextDelete = Clock.GetUtcNow() + DeleteInterval;
            await DeleteEndedAsync(cancellationToken);
            AfterDelete();
        }
    }

    // One sync: write this node's new counts, apply everyone's. Returns what ApplySharedAsync
    // returns, or -1 when the database could not be reached.
    internal async Task<int> SyncAsync(CancellationToken cancellationToken = default)
    {
        var windowStart = WindowStart(Clock.GetUtcNow().UtcTicks);
        var taken = TakeUnshared(windowStart);
        var written = taken.Count == 0;
        try
        {
            await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
            if (taken.Count > 0)
            {
                await WriteAsync(db, windowStart, taken, cancellationToken);
                written = true;
            }

            var applied = await ApplySharedAsync(db, windowStart, taken, cancellationToken);
            Interlocked.Increment(ref rounds);
            return applied;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            if (!written)
            {
                ReturnUnshared(windowStart, taken);
            }

            // What was applied last stands until its window ends.
            LogSyncFailed(exception, written ? 0 : taken.Count);
            return -1;
        }
    }

    // Rows of windows that have ended; returns how many were deleted.
    internal async Task<int> DeleteEndedAsync(CancellationToken cancellationToken = default)
    {
        var current = new DateTimeOffset(WindowStart(Clock.GetUtcNow().UtcTicks), TimeSpan.Zero);
        try
        {
            await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
            return await DeleteBeforeAsync(db, current, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Old rows cost space, not correctness: the next round tries again.
            LogDeleteFailed(exception);
            return 0;
        }
    }

    // All or nothing, so counts put back after an error are never counted twice.
    private async Task WriteAsync(ApplicationDbContext db, long windowStart, List<TCount> taken, CancellationToken cancellationToken)
    {
        var start = db.StoredTimestamp(new DateTimeOffset(windowStart, TimeSpan.Zero));
        taken.Sort(Compare);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var count in taken)
        {
            await UpsertAsync(db, start, count, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
