using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Memories;

// Rewrites memories stored before the input rules (docs/api.md) in the form every read serves
// them (MemoryStore.Repair): unpaired surrogates become U+FFFD, NULs go, metadata nested deeper
// than the limit keeps its deep part as a JSON string.
internal sealed partial class MemoryRepairInitializer(
    IDbContextFactory<ApplicationDbContext> contextFactory,
    ILogger<MemoryRepairInitializer> logger) : StartupRepair<Memory>(contextFactory)
{
    protected override IQueryable<Memory> PageAfter(ApplicationDbContext db, Memory? last)
    {
        var after = last?.Sequence ?? 0L;
        return db.Memories.AsTracking().Where(m => m.Sequence > after).OrderBy(m => m.Sequence);
    }

    protected override ValueTask<bool> RepairAsync(ApplicationDbContext db, Memory memory, CancellationToken cancellationToken)
    {
        if (MemoryStore.Repair(memory) is not { } repair)
        {
            return ValueTask.FromResult(false);
        }

        memory.Content = repair.Content;
        memory.Tags = repair.Tags;
        memory.Metadata = repair.Metadata;
        memory.SearchText = Memory.SearchTextOf(repair.Content, repair.Tags);
        return ValueTask.FromResult(true);
    }

    protected override void LogRepaired(int count) => LogRepaired(logger, count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Repaired {Count} memories stored with text no reader could serve")]
    private static partial void LogRepaired(ILogger logger, int count);
}
