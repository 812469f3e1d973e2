using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Usage;

// Key hygiene, after the public docs' best practices: grant minimum permissions (full access),
// rotate regularly (old keys, keys about to expire), revoke what is not used (never used,
// unused), and watch for a key being refused again and again (a burst of 401/403).
internal sealed class KeyAlertStore(
    IDbContextFactory<ApplicationDbContext> contextFactory,
    ApiKeyStore apiKeys,
    TimeProvider clock,
    IOptions<KeyAlertOptions> options)
{
    // Most urgent first, then by key, each key's alerts in a fixed order.
    public async Task<IReadOnlyList<KeyAlert>> GetAlertsAsync(string ownerId, ApiKeyEnvironment? environment, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var settings = options.Value;
        var keys = (await apiKeys.ListAsync(UsageStore.OwnerOnly(ownerId), cancellationToken))
            .Where(k => environment is null || k.Environment == environment)
            .ToList();
        var refused = await RefusedSinceAsync(ownerId, RequestCountRecorder.HourOf(now).AddHours(-1), cancellationToken);

        var alerts = new List<KeyAlert>();
        foreach (var key in keys)
        {
            if (refused.TryGetValue(key.Id, out var failures) && failures.Total >= settings.FailureBurstThreshold)
            {
                alerts.Add(FailureBurst(key, failures));
            }

            // The rest is advice about a key in use; a revoked, expired or rotated key needs none.
            if (!key.CanEdit)
            {
                continue;
            }

            if (key.IsFullAccess)
            {
                alerts.Add(Alert(KeyAlertTypes.FullAccess, KeyAlertSeverities.Warning, key, KeyAlertActions.Edit,
                    $"Has all {Permissions.All.Count} permissions. Grant minimum permissions: keep only those its integration uses."));
            }

            if (key.Status == ApiKeyStatus.ExpiresSoon && key.ExpiresAt is { } expires)
            {
                alerts.Add(key.Expiration == ApiKeyExpiration.Date
                    ? Alert(KeyAlertTypes.ExpiringSoon, KeyAlertSeverities.Warning, key, null,
                        $"Works until {ApiKeyDisplay.LastDay(expires)}, the date chosen for it. Create a new key for its integration before then.")
                    : Alert(KeyAlertTypes.ExpiringSoon, KeyAlertSeverities.Warning, key, KeyAlertActions.Rotate,
                        $"Works until {ApiKeyDisplay.LastDay(expires)}. Rotate it to give its integration a new key that lasts as long."));
            }

            if (now - key.CreatedAt >= settings.RotateAfter)
            {
                alerts.Add(Alert(KeyAlertTypes.RotationDue, KeyAlertSeverities.Warning, key, KeyAlertActions.Rotate,
                    $"Created {(int)(now - key.CreatedAt).TotalDays} days ago, on {ApiKeyDisplay.Day(key.CreatedAt)}. Rotate keys regularly: rotate it, update its integration, and let the old key stop."));
            }

            if (key.LastUsedAt is { } used)
            {
                if (now - used >= settings.UnusedAfter)
                {
                    alerts.Add(Alert(KeyAlertTypes.Unused, KeyAlertSeverities.Warning, key, KeyAlertActions.Revoke,
                        $"Not used for {(int)(now - used).TotalDays} days, since {ApiKeyDisplay.Day(used)}. If no integration needs it any more, revoke it."));
                }
            }
            else if (now - key.CreatedAt >= settings.NeverUsedAfter)
            {
                alerts.Add(Alert(KeyAlertTypes.NeverUsed, KeyAlertSeverities.Info, key, KeyAlertActions.Revoke,
                    $"Never used since it was created on {ApiKeyDisplay.Day(key.CreatedAt)}. If no integration needs it, revoke it."));
            }
        }

        return alerts
            .Select((alert, order) => (alert, order))
            .OrderBy(a => SeverityRank(a.alert.Severity))
            .ThenBy(a => a.alert.KeyName, StringComparer.OrdinalIgnoreCase)
            .ThenBy(a => a.alert.KeyId)
            .ThenBy(a => a.order)
            .Select(a => a.alert)
            .ToList();
    }

    private readonly record struct Refusals(long Unauthorized, long Forbidden)
    {
        public long Total => Unauthorized + Forbidden;
    }

    private async Task<Dictionary<Guid, Refusals>> RefusedSinceAsync(string ownerId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.UsageCounters.AsNoTracking()
            .Where(c => c.OwnerId == ownerId && c.HourStart >= since
                && (c.Outcome == UsageOutcomes.Unauthorized || c.Outcome == UsageOutcomes.Forbidden))
            .GroupBy(c => new { c.KeyId, c.Outcome })
            .Select(g => new { g.Key.KeyId, g.Key.Outcome, Count = g.Sum(c => c.Count) })
            .ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.KeyId).ToDictionary(
            g => g.Key,
            g => new Refusals(
                g.Where(r => r.Outcome == UsageOutcomes.Unauthorized).Sum(r => r.Count),
                g.Where(r => r.Outcome == UsageOutcomes.Forbidden).Sum(r => r.Count)));
    }

    private static KeyAlert FailureBurst(ApiKeySummary key, Refusals refused)
    {
        var counts = $"{refused.Unauthorized} × 401 and {refused.Forbidden} × 403";
        if (!key.StillWorks)
        {
            return Alert(KeyAlertTypes.FailedRequests, KeyAlertSeverities.Error, key, null,
                $"Refused {refused.Total} times in the last hour ({counts}): something still sends this {ApiKeyDisplay.StatusText(key.Status).ToLowerInvariant()} key. Find the integration that sends it and give it a working key.");
        }

        // Mostly 403: an integration calls what the key may not do, or someone probes with it.
        return refused.Forbidden >= refused.Unauthorized && key.CanEdit
            ? Alert(KeyAlertTypes.FailedRequests, KeyAlertSeverities.Error, key, KeyAlertActions.Edit,
                $"Refused {refused.Total} times in the last hour ({counts}). If its integration needs another permission, edit the key; if these calls are not yours, revoke it.")
            : Alert(KeyAlertTypes.FailedRequests, KeyAlertSeverities.Error, key, KeyAlertActions.Revoke,
                $"Refused {refused.Total} times in the last hour ({counts}). If these calls are not yours, revoke the key.");
    }

    private static KeyAlert Alert(string type, string severity, ApiKeySummary key, string? action, string message) =>
        new(type, severity, key.Id, key.Name, key.Environment.Name(), message, action);

    private static int SeverityRank(string severity) => severity switch
    {
        KeyAlertSeverities.Error => 0,
        KeyAlertSeverities.Warning => 1,
        _ => 2,
    };
}
