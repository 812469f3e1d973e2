using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Usage;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Tests.Usage;

// What the usage suites put into and read out of a TestDatabase: keys (memory.read unless a test
// says otherwise), requests recorded through the real recorder (they reach the database only when
// a test flushes), last-used times and the stored counters.
internal static class UsageData
{
    public static async Task<ApiKeySummary> AddKeyAsync(
        this TestDatabase db,
        AuditActor owner,
        string name,
        IReadOnlyCollection<string>? permissions = null,
        ApiKeyEnvironment environment = ApiKeyEnvironment.Live,
        ApiKeyExpiration expiration = ApiKeyExpiration.Never,
        DateOnly? expiresOn = null) =>
        (await db.CreateKeyAsync(owner, name, expiration, expiresOn, environment, permissions ?? [Permissions.MemoryRead])).Key;

    // Requests made at the clock's time, as the counting middleware records them.
    public static void Requests(this TestDatabase db, ApiKeySummary key, AuditActor owner, int count, string outcome, string group = "memories", DateTimeOffset? at = null)
    {
        for (var i = 0; i < count; i++)
        {
            db.RequestCounts.Record(key.Id, owner.UserId, at ?? db.Clock.GetUtcNow(), group, outcome);
        }
    }

    public static async Task MarkUsedAsync(this TestDatabase db, ApiKeySummary key, DateTimeOffset at)
    {
        await using var context = db.CreateContext();
        await context.ApiKeys.Where(k => k.Id == key.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, at));
    }

    public static async Task<List<UsageCounter>> CountersAsync(this TestDatabase db)
    {
        await using var context = db.CreateContext();
        return await context.UsageCounters.AsNoTracking().OrderBy(c => c.Id).ToListAsync();
    }
}
