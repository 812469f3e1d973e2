using System.Buffers.Binary;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.ApiKeys.Verification;

// Shares the failed-attempt limiter's counts between nodes on one PostgreSQL database, so a
// client that spreads its attempts over N nodes behind a load balancer gets the limit once, not
// N times. Every FailedAttemptSyncInterval it adds the failures this node saw since the last
// sync to the shared rows of the current aligned window, then reads back which clients reached
// FailedAttemptLimit across all nodes and has the limiter block them here until that window ends
// (SharedWindowSyncWorker: the upserts, the transaction, what a database outage costs). The shared
// limit is therefore enforced within one sync interval (plus the time a sync takes).
internal sealed partial class FailedAttemptSyncWorker(
    FailedAttemptLimiter limiter,
    IDbContextFactory<ApplicationDbContext> contextFactory,
    IOptions<ApiKeyVerificationOptions> options,
    IOptions<DatabaseOptions> database,
    TimeProvider clock,
    ILogger<FailedAttemptSyncWorker> logger) : SharedWindowSyncWorker<(UInt128 Client, int Failures)>(contextFactory, clock, logger)
{
    public override bool Enabled => options.Value.ShareFailedAttempts ?? database.Value.Provider == DatabaseProvider.Postgres;

    protected override TimeSpan? Interval => options.Value.FailedAttemptSyncInterval;

    protected override TimeSpan DeleteInterval => options.Value.FailedAttemptWindow;

    protected override long WindowStart(long nowTicks) => FailedAttemptLimiter.SharedWindowStart(nowTicks, options.Value.FailedAttemptWindow);

    protected override List<(UInt128 Client, int Failures)> TakeUnshared(long windowStart) => limiter.TakeUnshared(windowStart);

    protected override void ReturnUnshared(long windowStart, List<(UInt128 Client, int Failures)> taken) => limiter.ReturnUnshared(windowStart, taken);

    protected override int Compare((UInt128 Client, int Failures) left, (UInt128 Client, int Failures) right) => left.Client.CompareTo(right.Client);

    protected override async Task UpsertAsync(ApplicationDbContext db, object start, (UInt128 Client, int Failures) count, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO "FailedAttemptCounts" ("Client", "WindowStart", "Failures")
            VALUES ({BytesOf(count.Client)}, {start}, {count.Failures})
            ON CONFLICT ("Client", "WindowStart")
            DO UPDATE SET "Failures" = "FailedAttemptCounts"."Failures" + excluded."Failures"
            """,
            cancellationToken);

    // Blocks here the clients the shared count blocks; returns how many.
    protected override async Task<int> ApplySharedAsync(ApplicationDbContext db, long windowStart, List<(UInt128 Client, int Failures)> taken, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var start = new DateTimeOffset(windowStart, TimeSpan.Zero);
        var blocked = await db.FailedAttemptCounts.AsNoTracking()
            .Where(c => c.WindowStart == start && c.Failures >= settings.FailedAttemptLimit)
            .OrderBy(c => c.Client)
            .Select(c => c.Client)
            .Take(settings.MaxTrackedClients)
            .ToListAsync(cancellationToken);
        limiter.SetSharedBlocks(blocked.Select(ClientOf).ToList(), windowStart + settings.FailedAttemptWindow.Ticks);
        return blocked.Count;
    }

    protected override Task<int> DeleteBeforeAsync(ApplicationDbContext db, DateTimeOffset windowStart, CancellationToken cancellationToken) =>
        db.FailedAttemptCounts.Where(c => c.WindowStart < windowStart).ExecuteDeleteAsync(cancellationToken);

    internal static byte[] BytesOf(UInt128 client)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, client);
        return bytes;
    }

    internal static UInt128 ClientOf(byte[] bytes) => BinaryPrimitives.ReadUInt128BigEndian(bytes);

    protected override void LogSyncFailed(Exception exception, int kept) => LogSyncFailed(Logger, exception, kept);

    protected override void LogDeleteFailed(Exception exception) => LogDeleteFailed(Logger, exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not share failed API key checks ({Count} client(s) kept for the next try); this node's own limit still applies")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete ended failed-attempt windows")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception);
}
