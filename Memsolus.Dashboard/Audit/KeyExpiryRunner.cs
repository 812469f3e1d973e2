using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Audit;

// Expiry happens by the clock, not by anyone's action, so a sweep writes key.expired for each key
// whose time has come (expired, or rotated and past its grace period), once. The key stopped working at ExpiresAt whether or not this has run.
internal sealed partial class KeyExpiryRunner(
    IDbContextFactory<ApplicationDbContext> contextFactory,
    TimeProvider clock,
    ILogger<KeyExpiryRunner> logger)
{
    private const int BatchSize = 500;

    public async Task<int> RecordExpiredAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var recorded = 0;
        while (true)
        {
            await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
            var expired = await db.ApiKeys
                .Where(k => k.ExpiryRecordedAt == null)
                .Where(ApiKeyStatusRules.StoppedByClock.At(now))
                .OrderBy(k => k.ExpiresAt)
                .Take(BatchSize)
                .ToListAsync(cancellationToken);
            if (expired.Count == 0)
            {
                break;
            }

            foreach (var key in expired)
            {
                key.ExpiryRecordedAt = now;
                db.AuditEvents.Add(AuditEvents.SystemKeyEvent(AuditEventTypes.KeyExpired, key, key.ExpiresAt!.Value,
                    new { expiresAt = key.ExpiresAt, rotated = key.RotatedToId is not null }));
            }

            await db.SaveChangesAsync(cancellationToken);
            recorded += expired.Count;
        }

        if (recorded > 0)
        {
            LogRecorded(logger, recorded);
        }

        return recorded;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Recorded expiry of {Count} API key(s)")]
    private static partial void LogRecorded(ILogger logger, int count);
}
