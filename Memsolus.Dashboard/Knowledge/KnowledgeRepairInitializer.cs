using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Knowledge;

// Rewrites knowledge entries stored before the input rules in the form every read serves them
// (KnowledgeStore.ToDto); see MemoryRepairInitializer.
internal sealed partial class KnowledgeRepairInitializer(
    IDbContextFactory<ApplicationDbContext> contextFactory,
    ILogger<KnowledgeRepairInitializer> logger) : IHostedService
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
        while (await db.KnowledgeEntries.AsTracking().Where(k => k.Sequence > after).OrderBy(k => k.Sequence).Take(PageSize).ToListAsync(cancellationToken) is { Count: > 0 } page)
        {
            foreach (var entry in page)
            {
                var served = KnowledgeStore.ToDto(entry);
                if (served.Unreadable is not null)
                {
                    entry.Title = served.Title;
                    entry.Content = served.Content;
                    entry.Source = served.Source;
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Repaired {Count} knowledge entries stored with text no reader could serve")]
    private static partial void LogRepaired(ILogger logger, int count);
}
