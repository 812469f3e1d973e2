using System.Collections.Concurrent;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.ApiKeys.Verification;

// "Last used" without a database write per request (check 7 in docs/security.md): requests record the
// time in memory, and a background flush writes the newest time per key in one batch, every
// LastUsedFlushInterval and at shutdown. The database value never moves backwards.
internal sealed partial class LastUsedRecorder(
    IDbContextFactory<ApplicationDbContext> contextFactory,
    ILogger<LastUsedRecorder> logger)
{
    private ConcurrentDictionary<Guid, DateTimeOffset> pending = new();

    public int PendingCount => pending.Count;

    // Static callbacks with their argument passed in: a request allocates nothing here.
    public void Record(Guid keyId, DateTimeOffset usedAt) =>
        pending.AddOrUpdate(keyId, static (_, at) => at, static (_, current, at) => at > current ? at : current, usedAt);

    public async Task<int> FlushAsync(CancellationToken cancellationToken = default)
    {
        var batch = Interlocked.Exchange(ref pending, new ConcurrentDictionary<Guid, DateTimeOffset>());
        if (batch.IsEmpty)
        {
            return 0;
        }

        try
        {
            await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // Monotonic, so nodes flushing in any order leave the newest time. Keys in one fixed
            // order: two nodes' transactions then lock shared rows in the same order (PostgreSQL
            // would otherwise end one as a deadlock, to be retried at the next flush).
            foreach (var (keyId, usedAt) in batch.OrderBy(p => p.Key))
            {
                await db.ApiKeys
                    .Where(k => k.Id == keyId && (k.LastUsedAt == null || k.LastUsedAt < usedAt))
                    .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, usedAt), cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return batch.Count;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Put the times back so the next flush tries again; a newer time wins the merge.
            foreach (var (keyId, usedAt) in batch)
            {
                Record(keyId, usedAt);
            }

            LogFlushFailed(logger, exception, batch.Count);
            return 0;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write last-used times for {Count} API key(s); will retry")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, int count);
}
