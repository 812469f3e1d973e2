using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Data;

// A pass at start-up, after the schema is in place, that rewrites rows stored before a rule in the
// form the rule stores them now. It reads every row once per start, a page at a time in the order
// of a unique key, so memory stays flat however many rows there are; a row already in order is
// left alone, so running it again (or on several nodes) changes nothing. Subclasses say how to
// page and how to repair one row.
internal abstract class StartupRepair<TRow>(IDbContextFactory<ApplicationDbContext> contextFactory) : IHostedService
    where TRow : class
{
    private const int PageSize = 500;

    public async Task StartAsync(CancellationToken cancellationToken) => await RepairAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Answers how many rows it rewrote.
    public async Task<int> RepairAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var repaired = 0;
        TRow? last = null;
        // Ends: every page starts after the last row of the one before.
        while (await PageAfter(db, last).Take(PageSize).ToListAsync(cancellationToken) is { Count: > 0 } page)
        {
            foreach (var row in page)
            {
                if (await RepairAsync(db, row, cancellationToken))
                {
                    repaired++;
                }
            }

            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            last = page[^1];
        }

        if (repaired > 0)
        {
            LogRepaired(repaired);
        }

        return repaired;
    }

    // The tracked rows after last (all from the start when null), ordered by the key they are paged by.
    protected abstract IQueryable<TRow> PageAfter(ApplicationDbContext db, TRow? last);

    // Rewrites row in place when it needs it; answers whether it did.
    protected abstract ValueTask<bool> RepairAsync(ApplicationDbContext db, TRow row, CancellationToken cancellationToken);

    protected abstract void LogRepaired(int count);
}
