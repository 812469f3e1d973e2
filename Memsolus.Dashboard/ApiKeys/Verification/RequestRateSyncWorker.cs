using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.ApiKeys.Verification;

// Shares rate-limited keys' requests between nodes on one PostgreSQL database (RequestRateLimiter),
// as FailedAttemptSyncWorker shares failures (SharedWindowSyncWorker): every RequestRateSyncInterval
// it adds the requests this node admitted since the last sync to the shared rows of the current
// aligned minute, reads back every key's total for that minute, and has the limiter take the other
// nodes' part from its buckets, so a key gets its limit once, not once per node.
internal sealed partial class RequestRateSyncWorker(
    RequestRateLimiter limiter,
    IDbContextFactory<ApplicationDbContext> contextFactory,
    IOptions<ApiKeyVerificationOptions> options,
    TimeProvider clock,
    ILogger<RequestRateSyncWorker> logger) : SharedWindowSyncWorker<(Guid Key, int Requests)>(contextFactory, clock, logger)
{
    public override bool Enabled => limiter.Sharing;

    protected override TimeSpan? Interval => options.Value.RequestRateSyncInterval;

    protected override TimeSpan DeleteInterval => TimeSpan.FromMinutes(1);

    protected override long WindowStart(long nowTicks) => RequestRateLimiter.SharedWindowStart(nowTicks);

    protected override List<(Guid Key, int Requests)> TakeUnshared(long windowStart) => limiter.TakeUnshared(windowStart);

    protected override void ReturnUnshared(long windowStart, List<(Guid Key, int Requests)> taken) => limiter.ReturnUnshared(windowStart, taken);

    protected override int Compare((Guid Key, int Requests) left, (Guid Key, int Requests) right) => left.Key.CompareTo(right.Key);

    protected override async Task UpsertAsync(ApplicationDbContext db, object start, (Guid Key, int Requests) count, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO "RateLimitCounts" ("KeyId", "WindowStart", "Requests")
            VALUES ({StoredKey(db, count.Key)}, {start}, {count.Requests})
            ON CONFLICT ("KeyId", "WindowStart")
            DO UPDATE SET "Requests" = "RateLimitCounts"."Requests" + excluded."Requests"
            """,
            cancellationToken);

    // Takes the other nodes' requests from this node's buckets; returns how many were taken.
    protected override async Task<int> ApplySharedAsync(ApplicationDbContext db, long windowStart, List<(Guid Key, int Requests)> taken, CancellationToken cancellationToken)
    {
        var start = new DateTimeOffset(windowStart, TimeSpan.Zero);
        var totals = await db.RateLimitCounts.AsNoTracking()
            .Where(c => c.WindowStart == start)
            .OrderBy(c => c.KeyId)
            .Take(options.Value.MaxRateLimitedKeys)
            .ToDictionaryAsync(c => c.KeyId, c => c.Requests, cancellationToken);
        return limiter.ApplyShared(windowStart, taken, totals);
    }

    protected override Task<int> DeleteBeforeAsync(ApplicationDbContext db, DateTimeOffset windowStart, CancellationToken cancellationToken) =>
        db.RateLimitCounts.Where(c => c.WindowStart < windowStart).ExecuteDeleteAsync(cancellationToken);

    protected override void AfterDelete() => limiter.SweepIdle();

    // A key id as EF stores it, for hand-written SQL: text (upper case) on SQLite, uuid on PostgreSQL.
    private static object StoredKey(ApplicationDbContext db, Guid key) =>
        db.Database.IsSqlite() ? key.ToString().ToUpperInvariant() : key;

    protected override void LogSyncFailed(Exception exception, int kept) => LogSyncFailed(Logger, exception, kept);

    protected override void LogDeleteFailed(Exception exception) => LogDeleteFailed(Logger, exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not share rate-limited keys' requests ({Count} key(s) kept for the next try); this node's own buckets still apply")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete ended request-count minutes")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception);
}
