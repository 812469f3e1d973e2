using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Knowledge;

// Rewrites knowledge entries stored before the input rules in the form every read serves them
// (KnowledgeStore.ToDto); see MemoryRepairInitializer.
internal sealed partial class KnowledgeRepairInitializer(
    IDbContextFactory<ApplicationDbContext> contextFactory,
    ILogger<KnowledgeRepairInitializer> logger) : StartupRepair<KnowledgeEntry>(contextFactory)
{
    protected override IQueryable<KnowledgeEntry> PageAfter(ApplicationDbContext db, KnowledgeEntry? last)
    {
        var after = last?.Sequence ?? 0L;
        return db.KnowledgeEntries.AsTracking().Where(k => k.Sequence > after).OrderBy(k => k.Sequence);
    }

    protected override ValueTask<bool> RepairAsync(ApplicationDbContext db, KnowledgeEntry entry, CancellationToken cancellationToken)
    {
        var served = KnowledgeStore.ToDto(entry);
        if (served.Unreadable is null)
        {
            return ValueTask.FromResult(false);
        }

        entry.Title = served.Title;
        entry.Content = served.Content;
        entry.Source = served.Source;
        return ValueTask.FromResult(true);
    }

    protected override void LogRepaired(int count) => LogRepaired(logger, count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Repaired {Count} knowledge entries stored with text no reader could serve")]
    private static partial void LogRepaired(ILogger logger, int count);
}
