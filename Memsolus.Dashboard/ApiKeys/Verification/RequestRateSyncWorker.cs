using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.ApiKeys.Verification;

// Shares rate-limited keys' requests between nodes on one PostgreSQL database (RequestRateLimiter),
// following FailedAttemptSyncWorker: every RequestRateSyncInterval it adds the requests this node
// admitted since the last sync to the shared rows of the current aligned minute (one atomic upsert
// each, in one transaction), reads back every key's total for that minute, and has the limiter take
// the other nodes' part from its buckets. Requests never wait for the database. A database that
// cannot be reached costs only the sharing: a Warning is logged, the requests are kept for the
// next sync, and each node's own bucket goes on limiting.
internal sealed partial class RequestRateSyncWorker(
    RequestRateLimiter limiter,
    IDbContextFactory<ApplicationDbContext> contextFactory,
    IOptions<ApiKeyVerificationOptions> options,
    TimeProvider clock,
    ILogger<RequestRateSyncWorker> logger) : BackgroundWorker(clock, logger)
{
    private DateTimeOffset? nextDelete;
    private long rounds;

    public override bool Enabled => limiter.Sharing;

    protected override TimeSpan? Interval => options.Value.RequestRateSyncInterval;

    protected override bool RunsAtStart => false;

    // Syncs that reached the database: a test waits for this to move rather than for a time.
    public long Rounds => Interlocked.Read(ref rounds);

    protected override async Task RunRoundAsync(CancellationToken cancellationToken)
    {
        await SyncAsync(cancellationToken);
        if (nextDelete is null || Clock.GetUtcNow() >= nextDelete)
        {
            nextDelete = Clock.GetUtcNow() + TimeSpan.FromMinutes(1);
            await DeleteEndedAsync(cancellationToken);
            limiter.SweepIdle();
        }
    }

    // One sync: write this node's new requests, take the others' from the buckets. Returns how many
    // of the other nodes' requests were taken, or -1 when the database could not be reached.
    internal async Task<int> SyncAsync(CancellationToken cancellationToken = default)
    {
        var windowStart = RequestRateLimiter.SharedWindowStart(Clock.GetUtcNow().UtcTicks);
        var taken = limiter.TakeUnshared(windowStart);
        var written = taken.Count == 0;
        try
        {
            await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
            if (taken.Count > 0)
            {
                await WriteAsync(db, windowStart, taken, cancellationToken);
                written = true;
            }

            var start = new DateTimeOffset(windowStart, TimeSpan.Zero);
            var totals = await db.RateLimitCounts.AsNoTracking()
                .Where(c => c.WindowStart == start)
                .OrderBy(c => c.KeyId)
                .Take(options.Value.MaxRateLimitedKeys)
                .ToDictionaryAsync(c => c.KeyId, c => c.Requests, cancellationToken);
            Interlocked.Increment(ref rounds);
            return limiter.ApplyShared(windowStart, taken, totals);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            if (!written)
            {
                limiter.ReturnUnshared(windowStart, taken);
            }

            LogSyncFailed(Logger, exception, written ? 0 : taken.Count);
            return -1;
        }
    }

    // Rows of minutes that have ended; returns how many were deleted.
    internal async Task<int> DeleteEndedAsync(CancellationToken cancellationToken = default)
    {
        var current = new DateTimeOffset(RequestRateLimiter.SharedWindowStart(Clock.GetUtcNow().UtcTicks), TimeSpan.Zero);
        try
        {
            await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
            return await db.RateLimitCounts.Where(c => c.WindowStart < current).ExecuteDeleteAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Old rows cost space, not correctness: the next round tries again.
            LogDeleteFailed(Logger, exception);
            return 0;
        }
    }

    private static async Task WriteAsync(ApplicationDbContext db, long windowStart, List<(Guid Key, int Requests)> taken, CancellationToken cancellationToken)
    {
        var start = db.StoredTimestamp(new DateTimeOffset(windowStart, TimeSpan.Zero));

        // All or nothing, so requests put back after an error are never counted twice; keys in one
        // fixed order, so two nodes' transactions lock shared rows in the same order.
        taken.Sort((a, b) => a.Key.CompareTo(b.Key));
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var (key, requests) in taken)
        {
            await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO "RateLimitCounts" ("KeyId", "WindowStart", "Requests")
                VALUES ({StoredKey(db, key)}, {start}, {requests})
                ON CONFLICT ("KeyId", "WindowStart")
                DO UPDATE SET "Requests" = "RateLimitCounts"."Requests" + excluded."Requests"
                """,
                cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    // A key id as EF stores it, for hand-written SQL: text (upper case) on SQLite, uuid on PostgreSQL.
    private static object StoredKey(ApplicationDbContext db, Guid key) =>
        db.Database.IsSqlite() ? key.ToString().ToUpperInvariant() : key;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not share rate-limited keys' requests ({Count} key(s) kept for the next try); this node's own buckets still apply")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete ended request-count minutes")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception);
}
