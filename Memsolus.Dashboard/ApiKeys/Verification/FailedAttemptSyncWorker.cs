using System.Buffers.Binary;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.ApiKeys.Verification;

// Shares the failed-attempt limiter's counts between nodes on one PostgreSQL database, so a
// client that spreads its attempts over N nodes behind a load balancer gets the limit once, not
// N times. Every FailedAttemptSyncInterval it adds the failures this node saw since the last
// sync to the shared rows of the current aligned window (one atomic upsert each, in one
// transaction), then reads back which clients reached FailedAttemptLimit across all nodes and has
// the limiter block them here until that window ends. The shared limit is therefore enforced
// within one sync interval (plus the time a sync takes); requests never wait for the database.
// A database that cannot be reached costs only the sharing: a Warning is logged, the failures are
// kept for the next sync, and the node's own limit goes on working.
internal sealed partial class FailedAttemptSyncWorker(
    FailedAttemptLimiter limiter,
    IDbContextFactory<ApplicationDbContext> contextFactory,
    IOptions<ApiKeyVerificationOptions> options,
    IOptions<DatabaseOptions> database,
    TimeProvider clock,
    ILogger<FailedAttemptSyncWorker> logger) : BackgroundWorker(clock, logger)
{
    // Null until the first round, which deletes.
    private DateTimeOffset? nextDelete;

    public override bool Enabled => options.Value.ShareFailedAttempts ?? database.Value.Provider == DatabaseProvider.Postgres;

    protected override TimeSpan? Interval => options.Value.FailedAttemptSyncInterval;

    // Nothing has failed on this node yet at start.
    protected override bool RunsAtStart => false;

    protected override async Task RunRoundAsync(CancellationToken cancellationToken)
    {
        await SyncAsync(cancellationToken);
        if (nextDelete is null || Clock.GetUtcNow() >= nextDelete)
        {
            nextDelete = Clock.GetUtcNow() + options.Value.FailedAttemptWindow;
            await DeleteEndedAsync(cancellationToken);
        }
    }

    // One sync: write this node's new failures, read back who is blocked. Returns how many
    // clients the shared count blocks, or -1 when the database could not be reached.
    internal async Task<int> SyncAsync(CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var windowStart = FailedAttemptLimiter.SharedWindowStart(Clock.GetUtcNow().UtcTicks, settings.FailedAttemptWindow);
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
            var blocked = await db.FailedAttemptCounts.AsNoTracking()
                .Where(c => c.WindowStart == start && c.Failures >= settings.FailedAttemptLimit)
                .OrderBy(c => c.Client)
                .Select(c => c.Client)
                .Take(settings.MaxTrackedClients)
                .ToListAsync(cancellationToken);
            limiter.SetSharedBlocks(blocked.Select(ClientOf).ToList(), windowStart + settings.FailedAttemptWindow.Ticks);
            return blocked.Count;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            if (!written)
            {
                limiter.ReturnUnshared(windowStart, taken);
            }

            // The previous sync's blocks stand until their window ends.
            LogSyncFailed(Logger, exception, written ? 0 : taken.Count);
            return -1;
        }
    }

    // Rows of windows that have ended; returns how many were deleted.
    internal async Task<int> DeleteEndedAsync(CancellationToken cancellationToken = default)
    {
        var windowStart = FailedAttemptLimiter.SharedWindowStart(Clock.GetUtcNow().UtcTicks, options.Value.FailedAttemptWindow);
        var current = new DateTimeOffset(windowStart, TimeSpan.Zero);
        try
        {
            await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
            return await db.FailedAttemptCounts.Where(c => c.WindowStart < current).ExecuteDeleteAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Old rows cost space, not correctness: the next round tries again.
            LogDeleteFailed(Logger, exception);
            return 0;
        }
    }

    private static async Task WriteAsync(ApplicationDbContext db, long windowStart, List<(UInt128 Client, int Failures)> taken, CancellationToken cancellationToken)
    {
        var start = db.StoredTimestamp(new DateTimeOffset(windowStart, TimeSpan.Zero));

        // All or nothing, so failures put back after an error are never counted twice; clients in
        // one fixed order, so two nodes' transactions lock shared rows in the same order.
        taken.Sort((a, b) => a.Client.CompareTo(b.Client));
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var (client, failures) in taken)
        {
            await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO "FailedAttemptCounts" ("Client", "WindowStart", "Failures")
                VALUES ({BytesOf(client)}, {start}, {failures})
                ON CONFLICT ("Client", "WindowStart")
                DO UPDATE SET "Failures" = "FailedAttemptCounts"."Failures" + excluded."Failures"
                """,
                cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    internal static byte[] BytesOf(UInt128 client)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, client);
        return bytes;
    }

    internal static UInt128 ClientOf(byte[] bytes) => BinaryPrimitives.ReadUInt128BigEndian(bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not share failed API key checks ({Count} client(s) kept for the next try); this node's own limit still applies")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete ended failed-attempt windows")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception);
}
