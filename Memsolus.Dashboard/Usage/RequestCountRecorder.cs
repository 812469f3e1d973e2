using System.Collections.Concurrent;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Usage;

// Request counts without a database write per request: each API request adds one to an
// in-memory tally for (key, UTC hour, endpoint group, outcome), and a flush adds every tally to
// its UsageCounters row in one transaction, every Usage:FlushInterval and at shutdown. Several
// nodes may flush into one database: each row is added to by an atomic upsert (WriteAsync).
// Memory stays bounded: tallies exist only for keys that matched a stored key, for the fixed
// groups and outcomes, and only until the next flush.
internal sealed partial class RequestCountRecorder(
    IDbContextFactory<ApplicationDbContext> contextFactory,
    TimeProvider clock,
    IOptions<UsageOptions> options,
    ILogger<RequestCountRecorder> logger)
{
    private readonly record struct Bucket(Guid KeyId, string OwnerId, DateTimeOffset HourStart, string Group, string Outcome);

    private sealed class Tally
    {
        public long Count;
    }

    // A tally the flush has emptied and taken out of the table. A request that still holds it
    // sees this value, leaves it alone and counts in a fresh tally, so no count is lost between
    // the flush reading a tally and removing it.
    private const long Retired = long.MinValue;

    private readonly ConcurrentDictionary<Bucket, Tally> pending = new();
    private readonly SemaphoreSlim flushing = new(1, 1);

    // Tallies waiting for the next flush.
    public int PendingCount => pending.Count;

    // What the next flush would write, for tests and diagnostics.
    internal IReadOnlyList<(Guid KeyId, DateTimeOffset HourStart, string Group, string Outcome, long Count)> Pending() =>
        pending.Select(p => (p.Key, Count: Volatile.Read(ref p.Value.Count)))
            .Where(p => p.Count > 0)
            .Select(p => (p.Key.KeyId, p.Key.HourStart, p.Key.Group, p.Key.Outcome, p.Count))
            .ToList();

    public void Count(Guid keyId, string ownerId, string group, int status) =>
        Record(keyId, ownerId, clock.GetUtcNow(), group, UsageOutcomes.Of(status));

    public void Record(Guid keyId, string ownerId, DateTimeOffset at, string group, string outcome, long count = 1) =>
        Add(new Bucket(keyId, ownerId, HourOf(at), group, outcome), count);

    public static DateTimeOffset HourOf(DateTimeOffset at) =>
        new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);

    // Returns how many counters were written.
    public async Task<int> FlushAsync(CancellationToken cancellationToken = default)
    {
        await flushing.WaitAsync(cancellationToken);
        try
        {
            var batch = Drain();
            if (batch.Count == 0)
            {
                return 0;
            }

            try
            {
                return await WriteAsync(batch, cancellationToken);
            }
            catch (Exception exception)
            {
                // Nothing was committed: put the counts back for the next flush.
                foreach (var (bucket, count) in batch)
                {
                    Add(bucket, count);
                }

                if (exception is OperationCanceledException)
                {
                    throw;
                }

                LogFlushFailed(logger, exception, batch.Count);
                return 0;
            }
        }
        finally
        {
            flushing.Release();
        }
    }

    // Deletes the counters of hours that began more than Usage:Retention ago; returns how many.
    public async Task<int> DeleteExpiredAsync(CancellationToken cancellationToken = default)
    {
        var cutoff = clock.GetUtcNow() - options.Value.Retention;
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.UsageCounters.Where(c => c.HourStart < cutoff).ExecuteDeleteAsync(cancellationToken);
    }

    private void Add(Bucket bucket, long count)
    {
        while (true)
        {
            var tally = pending.GetOrAdd(bucket, static _ => new Tally());
            var current = Volatile.Read(ref tally.Count);
            while (current != Retired)
            {
                var seen = Interlocked.CompareExchange(ref tally.Count, current + count, current);
                if (seen == current)
                {
                    return;
                }

                current = seen;
            }

            pending.TryRemove(KeyValuePair.Create(bucket, tally));
        }
    }

    private List<(Bucket Bucket, long Count)> Drain()
    {
        var batch = new List<(Bucket, long)>();
        foreach (var (bucket, tally) in pending)
        {
            var count = Interlocked.Exchange(ref tally.Count, Retired);
            pending.TryRemove(KeyValuePair.Create(bucket, tally));
            if (count > 0)
            {
                batch.Add((bucket, count));
            }
        }

        return batch;
    }

    // Each bucket is one statement that inserts its row or adds to it, atomically, whoever else
    // writes the same row at the same time: another node on the same PostgreSQL database, or a
    // second flush. SQLite (3.24 and later) and PostgreSQL read the same INSERT … ON CONFLICT.
    // The transaction makes the batch all or nothing, so a failed flush that puts its counts
    // back never counts anything twice; the buckets are written in one fixed order, so two
    // nodes' transactions take their row locks in the same order and cannot deadlock.
    private async Task<int> WriteAsync(List<(Bucket Bucket, long Count)> batch, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var written = 0;
        foreach (var (bucket, count) in batch.OrderBy(b => b.Bucket.KeyId).ThenBy(b => b.Bucket.HourStart)
            .ThenBy(b => b.Bucket.Group, StringComparer.Ordinal).ThenBy(b => b.Bucket.Outcome, StringComparer.Ordinal))
        {
            var hourStart = db.StoredTimestamp(bucket.HourStart);

            // A key deleted since its requests (with its account) takes its counts with it: the
            // row is written only while the key exists.
            written += await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO "UsageCounters" ("KeyId", "OwnerId", "HourStart", "Group", "Outcome", "Count")
                SELECT {bucket.KeyId}, {bucket.OwnerId}, {hourStart}, {bucket.Group}, {bucket.Outcome}, {count}
                WHERE EXISTS (SELECT 1 FROM "ApiKeys" WHERE "Id" = {bucket.KeyId})
                ON CONFLICT ("KeyId", "HourStart", "Group", "Outcome")
                DO UPDATE SET "Count" = "UsageCounters"."Count" + excluded."Count"
                """,
                cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return written;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write {Count} request counter(s); will retry")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, int count);
}
