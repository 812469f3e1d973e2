using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.LeakReports;

// Acts on a key someone found leaked, whoever reported it (GitHub's alerts, /leaks, /report-leak):
// holding the key proves the leak, so no account is needed. The key is found by its hash and the
// owner's LeakAction decides: Revoke (as the owner would, with the place it was found as the
// reason), Quarantine (read permissions only until restored) or NotifyOnly. Whatever it chose, the
// key records when and where it leaked (the banner on the API Keys page, until dismissed), and a
// key.leaked event is saved with it, which mails the owner (Notifications/SecurityNotices).
// Saved through EF like every change to a key, so the key cache drops it before this returns and
// other nodes within a second (ApiKeyCacheInvalidator).
internal sealed partial class LeakResponder(
    IDbContextFactory<ApplicationDbContext> contextFactory,
    TimeProvider clock,
    IOptions<LeakReportsOptions> options,
    ILogger<LeakResponder> logger)
{
    // What key.leaked's "action" says was done, for the audit log and the mail.
    public const string Revoked = "revoked";
    public const string Quarantined = "quarantined";
    public const string Notified = "notified";
    public const string AlreadyInactive = "already_inactive";
    public const string AlreadyQuarantined = "already_quarantined";

    // What the audit log names as the actor of a reported leak.
    public const string GitHubActor = "GitHub secret scanning";
    public const string ReportActor = "a leak report";

    private const int Attempts = 3;

    // token: whatever the reporter sent; url: where it was found (checked by LeakUrls.Clean);
    // where: how to name the place when there is no URL (GitHub's "source", say).
    public async Task<LeakOutcome> ActAsync(string token, string source, string? url, string? where, CancellationToken cancellationToken = default)
    {
        // A malformed key or one with a bad checksum is nobody's: no database work, as in the key check.
        if (!ApiKeyFormat.TryParse(token, out _))
        {
            return new LeakOutcome(Found: false);
        }

        var hash = ApiKeyFormat.Hash(token);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return new LeakOutcome(await TryActAsync(hash, source, url, where, cancellationToken));
            }
            catch (DbUpdateConcurrencyException) when (attempt < Attempts)
            {
                // The owner (or another report) changed the key meanwhile: read it again and act on that.
            }
        }
    }

    private async Task<bool> TryActAsync(byte[] hash, string source, string? url, string? where, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var key = await db.ApiKeys.AsTracking().SingleOrDefaultAsync(k => k.SecretHash == hash, cancellationToken);
        if (key is null)
        {
            return false;
        }

        var choice = await db.Users.AsNoTracking().Where(u => u.Id == key.OwnerId).Select(u => u.LeakAction).SingleAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var place = url ?? (string.IsNullOrEmpty(where) ? (source == LeakSource.GitHub ? "GitHub" : "a public report") : where);
        var reason = Clip($"Found leaked at {place}", ApiKeyRules.MaxReasonLength);
        var actor = source == LeakSource.GitHub ? GitHubActor : ReportActor;
        var repeat = key.LeakedAt is { } last && now - last < options.Value.RepeatMailWindow;

        string action;
        if (!ApiKeyStatusRules.StillWorks.IsTrue(key, now))
        {
            action = AlreadyInactive;
        }
        else if (choice == LeakAction.Revoke)
        {
            key.RevokedAt = now;
            key.ActiveName = null;
            // The owner's standing choice revoked it, as if they had: the owner is "who".
            key.RevokedBy = key.OwnerId;
            key.RevocationReason = reason;
            key.Version = Guid.NewGuid();

            // A new key leaked before its first use gives its place back to the key it was to replace,
            // as when its owner revokes it; otherwise that key would wait for a use that cannot come.
            var restored = await ApiKeyStore.RestoreWaitingPredecessorAsync(db, key, now, cancellationToken);
            db.AuditEvents.Add(AuditEvents.ReportedKeyEvent(AuditEventTypes.KeyRevoked, key, actor, now, restored is null
                ? (object)new { by = "leak", reason }
                : new { by = "leak", reason, restoredKeyId = (Guid?)restored.Id, restoredKey = restored.DisplayKey }));
            action = Revoked;
        }
        else if (choice == LeakAction.Quarantine && key.QuarantinedAt is null)
        {
            key.QuarantinedAt = now;
            key.QuarantinedBy = actor;
            db.AuditEvents.Add(AuditEvents.ReportedKeyEvent(AuditEventTypes.KeyQuarantined, key, actor, now, new { by = "leak", reason }));
            action = Quarantined;
        }
        else
        {
            action = choice == LeakAction.Quarantine ? AlreadyQuarantined : Notified;
        }

        key.LeakedAt = now;
        key.LeakSource = source;
        key.LeakUrl = url;
        key.LeakNoticeSeenAt = null;
        key.Version = Guid.NewGuid();
        db.AuditEvents.Add(AuditEvents.ReportedKeyEvent(AuditEventTypes.KeyLeaked, key, actor, now, new
        {
            source,
            url,
            where = url is null ? place : null,
            action,
            mail = !repeat,
        }));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        LogActed(logger, key.Id, source, action);
        return true;
    }

    private static string Clip(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length - 1), "…");

    [LoggerMessage(Level = LogLevel.Warning, Message = "API key {KeyId} was reported leaked ({Source}): {Action}")]
    private static partial void LogActed(ILogger logger, Guid keyId, string source, string action);
}
