using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;

namespace Memsolus.Dashboard.Data;

// How every background queue (mail outbox, webhook deliveries, exports, ingestion) is claimed on
// several nodes sharing one database (docs/several-nodes.md): a node takes a row with a conditional
// update, "where nobody holds it, or the lease has run out", that sets itself (LeaseNode) and an
// expiry. Only one node's update can change the row: on PostgreSQL a second update waits for the
// first to commit and then re-reads the condition, which no longer holds; SQLite has one writer at
// a time. Every later write is conditional on still holding the lease, so a node that lost it (it
// stalled past the expiry and another node took over) changes nothing.
internal static class QueueLease
{
    public const int MaxHolderLength = 100;

    // Rows nobody holds, or whose lease has run out (a node died or stalled holding them).
    public static IQueryable<T> Free<T>(this IQueryable<T> rows, DateTimeOffset now)
        where T : class, ILeased =>
        rows.Where(FreeAt<T>(now));

    // Rows this node holds (whether or not the lease has run out: a write made by the holder
    // before anyone took the row over is still the right one).
    public static IQueryable<T> HeldBy<T>(this IQueryable<T> rows, string node)
        where T : class, ILeased =>
        rows.Where(r => r.LeasedBy == node);

    public static UpdateSettersBuilder<T> Lease<T>(this UpdateSettersBuilder<T> setters, string node, DateTimeOffset until)
        where T : class, ILeased =>
        setters.SetProperty(r => r.LeasedBy, node).SetProperty(r => r.LeasedUntil, until);

    public static UpdateSettersBuilder<T> Unlease<T>(this UpdateSettersBuilder<T> setters)
        where T : class, ILeased =>
        setters.SetProperty(r => r.LeasedBy, (string?)null).SetProperty(r => r.LeasedUntil, (DateTimeOffset?)null);

    // Extends this node's lease on the given rows; false when it no longer holds them.
    public static async Task<bool> RenewAsync<T>(this IQueryable<T> rows, string node, DateTimeOffset until, CancellationToken cancellationToken)
        where T : class, ILeased =>
        await rows.HeldBy(node).ExecuteUpdateAsync(s => s.SetProperty(r => r.LeasedUntil, until), cancellationToken) > 0;

    private static Expression<Func<T, bool>> FreeAt<T>(DateTimeOffset now)
        where T : class, ILeased =>
        r => r.LeasedUntil == null || r.LeasedUntil <= now;
}
