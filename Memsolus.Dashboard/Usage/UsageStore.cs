using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Usage;

// Requests per key per UTC day, read from the flushed counters (so up to Usage:FlushInterval
// behind). Takes the owner's id and checks nothing else: the API passes the calling key's
// owner, the dashboard the signed-in account, and neither can name another owner.
internal sealed class UsageStore(
    IDbContextFactory<ApplicationDbContext> contextFactory,
    ApiKeyStore apiKeys,
    TimeProvider clock)
{
    public const int Days = 30;

    // The owner's keys that still work, and any other key of theirs with requests in the period
    // (a revoked key still being sent is worth seeing); of one environment, or of both when null.
    public async Task<UsageReport> GetAsync(string ownerId, ApiKeyEnvironment? environment, CancellationToken cancellationToken = default)
    {
        var to = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var from = to.AddDays(1 - Days);
        var since = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

        var keys = (await apiKeys.ListAsync(OwnerOnly(ownerId), cancellationToken))
            .Where(k => environment is null || k.Environment == environment)
            .ToDictionary(k => k.Id);

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.UsageCounters.AsNoTracking()
            .Where(c => c.OwnerId == ownerId && c.HourStart >= since)
            .GroupBy(c => new { c.KeyId, c.HourStart, c.Outcome })
            .Select(g => new { g.Key.KeyId, g.Key.HourStart, g.Key.Outcome, Count = g.Sum(c => c.Count) })
            .ToListAsync(cancellationToken);

        var counts = new Dictionary<Guid, long[,]>();
        foreach (var row in rows)
        {
            var day = DateOnly.FromDateTime(row.HourStart.UtcDateTime).DayNumber - from.DayNumber;
            var outcome = IndexOf(row.Outcome);
            if (!keys.ContainsKey(row.KeyId) || day is < 0 or >= Days || outcome < 0)
            {
                continue;
            }

            if (!counts.TryGetValue(row.KeyId, out var grid))
            {
                counts[row.KeyId] = grid = new long[Days, UsageOutcomes.All.Count];
            }

            grid[day, outcome] += row.Count;
        }

        var usage = keys.Values
            .Where(k => k.StillWorks || counts.ContainsKey(k.Id))
            .Select(k => ToUsage(k, from, counts.GetValueOrDefault(k.Id)))
            .OrderByDescending(k => k.Total).ThenBy(k => k.Name, StringComparer.OrdinalIgnoreCase).ThenBy(k => k.KeyId)
            .ToList();
        return new UsageReport(from, to, usage);
    }

    // The key services take the acting account; reading keys needs only its id.
    internal static AuditActor OwnerOnly(string ownerId) => new(ownerId, null, null, null);


    private static int IndexOf(string outcome)
    {
        for (var i = 0; i < UsageOutcomes.All.Count; i++)
        {
            if (UsageOutcomes.All[i] == outcome)
            {
                return i;
            }
        }

        return -1;
    }

    private static KeyUsage ToUsage(ApiKeySummary key, DateOnly from, long[,]? grid)
    {
        var days = new List<DayUsage>(Days);
        for (var day = 0; day < Days; day++)
        {
            var outcomes = new Dictionary<string, long>(UsageOutcomes.All.Count, StringComparer.Ordinal);
            for (var o = 0; o < UsageOutcomes.All.Count; o++)
            {
                outcomes[UsageOutcomes.All[o]] = grid?[day, o] ?? 0;
            }

            days.Add(new DayUsage(from.AddDays(day), outcomes.Values.Sum(), outcomes));
        }

        return new KeyUsage(key.Id, key.Name, key.DisplayKey, key.Environment.Name(), days.Sum(d => d.Total), days);
    }
}
