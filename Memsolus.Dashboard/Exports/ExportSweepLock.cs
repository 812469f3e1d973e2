using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Exports;

// Lets the export clean-up run on one node at a time. On PostgreSQL it is a transaction-level
// advisory lock (pg_try_advisory_xact_lock) taken on a connection of its own and held while the
// sweep runs: a node that finds it taken skips this round (the holder does the work), and a node
// that dies holding it loses its connection, which releases the lock. SQLite serves one node, so
// there is nothing to hold.
internal sealed class ExportSweepLock(IDbContextFactory<ApplicationDbContext> contextFactory, IOptions<DatabaseOptions> database)
{
    // The advisory lock's key, one for the whole database ("MemSwExp" in ASCII).
    public const long Key = 0x4D656D5377457870;

    // Null when another node holds the lock; dispose the answer to release it.
    public async Task<IAsyncDisposable?> TryAcquireAsync(CancellationToken cancellationToken)
    {
        if (database.Value.Provider != DatabaseProvider.Postgres)
        {
            return NoLock.Instance;
        }

        var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        try
        {
            await db.Database.BeginTransactionAsync(cancellationToken);
            var taken = await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({Key}) AS \"Value\"").SingleAsync(cancellationToken);
            if (taken)
            {
                // Disposing the context rolls the transaction back, which releases the lock.
                return db;
            }
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }

        await db.DisposeAsync();
        return null;
    }

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
