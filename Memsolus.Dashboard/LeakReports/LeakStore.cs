using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.LeakReports;

// The owner's side of leaks: their choice of what a leak does, and the notices of their keys found
// leaked that they have not dismissed. Every method reads and writes the acting account's own rows.
internal sealed class LeakStore(IDbContextFactory<ApplicationDbContext> contextFactory, TimeProvider clock)
{
    public async Task<LeakAction> GetActionAsync(AuditActor owner, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.Users.AsNoTracking().Where(u => u.Id == owner.UserId).Select(u => u.LeakAction).SingleAsync(cancellationToken);
    }

    // Audited in the same save: whoever holds the session could otherwise switch "revoke" to
    // "notify only" unseen and keep a leaked key working; a leak's event records what the choice
    // was when it acted.
    public async Task<bool> SetActionAsync(AuditActor owner, LeakAction action, CancellationToken cancellationToken = default)
    {
        if (!Enum.IsDefined(action))
        {
            return false;
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsTracking().SingleOrDefaultAsync(u => u.Id == owner.UserId, cancellationToken);
        if (user is null)
        {
            return false;
        }

        if (user.LeakAction != action)
        {
            db.AuditEvents.Add(AuditEvents.AccountEvent(AuditEventTypes.AccountSettingsChanged, user.Id, owner, clock.GetUtcNow(),
                new { leakAction = new { from = user.LeakAction.ToString(), to = action.ToString() } }));
            user.LeakAction = action;
            await db.SaveChangesAsync(cancellationToken);
        }

        return true;
    }

    public async Task<IReadOnlyList<LeakNotice>> UnseenAsync(AuditActor owner, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var keys = await db.ApiKeys.AsNoTracking()
            .Where(k => k.OwnerId == owner.UserId && k.LeakedAt != null && k.LeakNoticeSeenAt == null)
            .ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        return keys
            .OrderByDescending(k => k.LeakedAt)
            .Select(k => new LeakNotice(k.Id, k.Name, k.DisplayKey, k.LeakedAt!.Value, k.LeakSource ?? LeakSource.Report, k.LeakUrl,
                Revoked: ApiKeyStatusRules.Revoked.IsTrue(k, now), Quarantined: k.QuarantinedAt != null))
            .ToList();
    }

    // By ExecuteUpdate: the key check does not read LeakNoticeSeenAt, so no cached key need go.
    public async Task DismissAsync(AuditActor owner, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await db.ApiKeys
            .Where(k => k.OwnerId == owner.UserId && k.LeakedAt != null && k.LeakNoticeSeenAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.LeakNoticeSeenAt, now), cancellationToken);
    }
}
