using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Memories;

// Rewrites memories stored before the input rules (docs/api.md) in the form every read serves
// them (MemoryStore.Repair): unpaired surrogates become U+FFFD, NULs go, metadata nested deeper
// than the limit keeps its deep part as a JSON string. Runs at start-up after the schema is in
// place; a row already readable is left alone, so running it again changes nothing. It reads every
// row once per start, a page at a time.
internal sealed partial class MemoryRepairInitializer(
    IDbContextFactory<ApplicationDbContext> contextFactory,
    ILogger<MemoryRepairInitializer> logger) : IHostedService
{
    private const int PageSize = 500;

    public async Task StartAsync(CancellationToken cancellationToken) => await RepairAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Answers how many rows it rewrote.
    public async Task<int> RepairAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var repaired = 0;
        var after = 0L;
        // Ends: every page starts after the last row of the one before.
        while (await db.Memories.AsTracking().Where(m => m.Sequence > after).OrderBy(m => m.Sequence).Take(PageSize).ToListAsync(cancellationToken) is { Count: > 0 } page)
        {
            foreach (var memory in page)
            {
                if (MemoryStore.Repair(memory) is { } repair)
                {
                    memory.Content = repair.Content;
                    memory.Tags = repair.Tags;
                    memory.Metadata = repair.Metadata;
                    memory.SearchText = Memory.SearchTextOf(repair.Content, repair.Tags);
                    repaired++;
                }
            }

            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            after = page[^1].Sequence;
        }

        if (repaired > 0)
        {
            LogRepaired(logger, repaired);
        }

        return repaired;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Repaired {Count} memories stored with text no reader could serve")]
    private static partial void LogRepaired(ILogger logger, int count);
}
