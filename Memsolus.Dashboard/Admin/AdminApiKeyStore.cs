using System.Text;
using Memsolus.Dashboard.Account;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Admin;

// What an administrator can do to any account's keys. Every method checks, in the database, that
// the acting account holds role Admin: a page's [Authorize] is not the only guard.
internal sealed partial class AdminApiKeyStore(
    IDbContextFactory<ApplicationDbContext> contextFactory,
    ApiKeyStore keys,
    TimeProvider clock,
    IOptions<ApiKeysOptions> options,
    ILogger<AdminApiKeyStore> logger)
{
    public const int MaxPageSize = 100;

    // An email prefix matching more accounts than this is too vague to be useful; it is cut here
    // so the key query stays an index lookup.
    public const int MaxOwnersPerSearch = 500;

    public async Task<AdminKeyPage> SearchAsync(AuditActor admin, AdminKeyQuery query, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await DemandAdminAsync(db, admin, cancellationToken);

        // No stored name, prefix or address holds such text, and PostgreSQL would refuse it as a parameter.
        if (!StoredText.IsStorable(query.Search?.Trim()))
        {
            return new AdminKeyPage([], 0);
        }

        var now = clock.GetUtcNow();

        // Filter, count and page on ApiKeys alone, each search kind through its own index; owners'
        // emails are joined only to sort by them, and otherwise fetched for the page's rows.
        var keyRows = db.ApiKeys.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var search = query.Search.Trim();
            if (ApiKeyFormat.TryParse(search, out _))
            {
                // A whole pasted key: found by its hash, never kept or logged.
                var hash = ApiKeyFormat.Hash(search);
                keyRows = keyRows.Where(k => k.SecretHash == hash);
            }
            else if (search.StartsWith(ApiKeyFormat.LivePrefix, StringComparison.Ordinal) || search.StartsWith(ApiKeyFormat.TestPrefix, StringComparison.Ordinal))
            {
                var (from, to) = PrefixRange(search.Split('…')[0]);
                keyRows = keyRows.Where(k => string.Compare(k.DisplayKey, from) >= 0 && string.Compare(k.DisplayKey, to) < 0);
            }
            else
            {
                // An owner's email or a key name, by prefix, case-insensitively; in NFC as names are
                // stored (ApiKeyRules.CleanName), so a decomposed "café" finds the composed one.
                var (from, to) = PrefixRange(search.Normalize(NormalizationForm.FormC).ToUpperInvariant());
                var owners = await db.Users.AsNoTracking()
                    .Where(u => string.Compare(u.NormalizedEmail, from) >= 0 && string.Compare(u.NormalizedEmail, to) < 0)
                    .Select(u => u.Id)
                    .Take(MaxOwnersPerSearch)
                    .ToListAsync(cancellationToken);
                keyRows = keyRows.Where(k => owners.Contains(k.OwnerId)
                    || (string.Compare(k.NormalizedName, from) >= 0 && string.Compare(k.NormalizedName, to) < 0));
            }
        }

        if (query.Environment is { } environment)
        {
            keyRows = keyRows.Where(k => k.Environment == environment);
        }

        ApiKeyStatus? status = query.Status switch
        {
            AdminKeyStatusFilter.Revoked => ApiKeyStatus.Revoked,
            AdminKeyStatusFilter.Rotated => ApiKeyStatus.Rotated,
            AdminKeyStatusFilter.Expired => ApiKeyStatus.Expired,
            AdminKeyStatusFilter.ExpiresSoon => ApiKeyStatus.ExpiresSoon,
            AdminKeyStatusFilter.Active => ApiKeyStatus.Active,
            _ => null,
        };
        if (status is { } shown)
        {
            keyRows = keyRows.Where(ApiKeyStatusRules.For(shown).At(now, options.Value.ExpiresSoonWindow));
        }
        else if (query.Status == AdminKeyStatusFilter.Quarantined)
        {
            keyRows = keyRows.Where(k => k.QuarantinedAt != null).Where(ApiKeyStatusRules.StillWorks.At(now));
        }

        var total = await keyRows.CountAsync(cancellationToken);
        var size = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var skip = Math.Max(0, query.Page) * size;
        List<ApiKey> page;
        if (query.Sort == AdminKeySort.Owner)
        {
            var joined = from k in keyRows
                         join u in db.Users on k.OwnerId equals u.Id
                         select new { Key = k, u.NormalizedEmail };
            joined = query.Descending
                ? joined.OrderByDescending(r => r.NormalizedEmail).ThenByDescending(r => r.Key.Id)
                : joined.OrderBy(r => r.NormalizedEmail).ThenBy(r => r.Key.Id);
            page = await joined.Skip(skip).Take(size).Select(r => r.Key).ToListAsync(cancellationToken);
        }
        else
        {
            keyRows = (query.Sort, query.Descending) switch
            {
                (AdminKeySort.Name, false) => keyRows.OrderBy(k => k.NormalizedName).ThenBy(k => k.Id),
                (AdminKeySort.Name, true) => keyRows.OrderByDescending(k => k.NormalizedName).ThenByDescending(k => k.Id),
                (AdminKeySort.LastUsed, false) => keyRows.OrderBy(k => k.LastUsedAt).ThenBy(k => k.Id),
                (AdminKeySort.LastUsed, true) => keyRows.OrderByDescending(k => k.LastUsedAt).ThenByDescending(k => k.Id),
                (_, false) => keyRows.OrderBy(k => k.CreatedAt).ThenBy(k => k.Id),
                _ => keyRows.OrderByDescending(k => k.CreatedAt).ThenByDescending(k => k.Id),
            };
            page = await keyRows.Skip(skip).Take(size).ToListAsync(cancellationToken);
        }

        var ownerIds = page.Select(k => k.OwnerId).Distinct().ToList();
        var emails = await db.Users.AsNoTracking()
            .Where(u => ownerIds.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => u.Email ?? u.UserName ?? u.Id, cancellationToken);
        return new AdminKeyPage(page.Select(k => new AdminKeyRow(k.OwnerId, emails.GetValueOrDefault(k.OwnerId, k.OwnerId), keys.Summarize(k, now))).ToList(), total);
    }

    public async Task<ApiKeyResult<ApiKeySummary>> RevokeAsync(AuditActor admin, Guid keyId, string? reason, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await DemandAdminAsync(db, admin, cancellationToken);
        if (AdminReason.Validate(reason, ApiKeyRules.MaxReasonLength) is { } invalid)
        {
            return ApiKeyResult<ApiKeySummary>.Fail(invalid);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == keyId, cancellationToken);
        if (key is null)
        {
            return ApiKeyResult<ApiKeySummary>.Fail(new(ApiKeyErrorKind.NotFound, "That API key does not exist."));
        }

        if (ApiKeyStatusRules.Revoked.IsTrue(key, now))
        {
            return ApiKeyResult<ApiKeySummary>.Fail(new(ApiKeyErrorKind.Invalid, "This key is already revoked."));
        }

        try
        {
            // A new key revoked before its first use gives its place back to the key it was to
            // replace, as when its owner revokes it (ApiKeyStore.RestoreWaitingPredecessorAsync).
            MarkRevokedByAdmin(key, admin, reason!.Trim(), now);
            var restored = await ApiKeyStore.RestoreWaitingPredecessorAsync(db, key, now, cancellationToken);
            db.AuditEvents.Add(AuditEvents.KeyEvent(AuditEventTypes.KeyRevoked, key, admin, now, restored is null
                ? (object)new { by = "admin", reason = key.RevocationReason }
                : new { by = "admin", reason = key.RevocationReason, restoredKeyId = (Guid?)restored.Id, restoredKey = restored.DisplayKey }));
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return ApiKeyResult<ApiKeySummary>.Fail(new(ApiKeyErrorKind.Invalid, "This key changed while you were revoking it. Search again and retry."));
        }

        await transaction.CommitAsync(cancellationToken);

        LogRevoked(logger, key.Id, key.OwnerId, admin.UserId);
        return ApiKeyResult<ApiKeySummary>.Ok(keys.Summarize(key, now));
    }

    // Quarantine any account's key, or end its quarantine, with a reason the owner reads in their
    // audit log; the same rules as the owner's (ApiKeyStore.QuarantineRefusal).
    public Task<ApiKeyResult<ApiKeySummary>> QuarantineAsync(AuditActor admin, Guid keyId, string? reason, CancellationToken cancellationToken = default) =>
        SetQuarantineAsync(admin, keyId, reason, quarantine: true, cancellationToken);

    public Task<ApiKeyResult<ApiKeySummary>> RestoreAsync(AuditActor admin, Guid keyId, string? reason, CancellationToken cancellationToken = default) =>
        SetQuarantineAsync(admin, keyId, reason, quarantine: false, cancellationToken);

    private async Task<ApiKeyResult<ApiKeySummary>> SetQuarantineAsync(AuditActor admin, Guid keyId, string? reason, bool quarantine, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await DemandAdminAsync(db, admin, cancellationToken);
        if (AdminReason.Validate(reason, ApiKeyRules.MaxReasonLength) is { } invalid)
        {
            return ApiKeyResult<ApiKeySummary>.Fail(invalid);
        }

        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == keyId, cancellationToken);
        if (key is null)
        {
            return ApiKeyResult<ApiKeySummary>.Fail(new(ApiKeyErrorKind.NotFound, "That API key does not exist."));
        }

        if (ApiKeyStore.QuarantineRefusal(key, quarantine, now) is { } refused)
        {
            return ApiKeyResult<ApiKeySummary>.Fail(refused);
        }

        ApiKeyStore.SetQuarantine(db, key, admin, quarantine, now, new { by = "admin", reason = reason!.Trim() });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return ApiKeyResult<ApiKeySummary>.Fail(new(ApiKeyErrorKind.Invalid, "This key changed meanwhile. Search again and retry."));
        }

        LogQuarantine(logger, quarantine ? "quarantined" : "restored", key.Id, key.OwnerId, admin.UserId);
        return ApiKeyResult<ApiKeySummary>.Ok(keys.Summarize(key, now));
    }

    // How many key ids a bulk revocation's audit event lists (39 characters each in its details):
    // with the longest reason, escaped, the details stay within their 4000 characters.
    internal const int MaxKeysInDetails = 20;

    // For a compromised account: every key that still works stops, in one transaction.
    public async Task<ApiKeyResult<BulkRevocation>> RevokeAllAsync(AuditActor admin, string ownerId, string? reason, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await DemandAdminAsync(db, admin, cancellationToken);
        if (AdminReason.Validate(reason, ApiKeyRules.MaxReasonLength) is { } invalid)
        {
            return ApiKeyResult<BulkRevocation>.Fail(invalid);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await db.Users.AnyAsync(u => u.Id == ownerId, cancellationToken))
        {
            return ApiKeyResult<BulkRevocation>.Fail(new(ApiKeyErrorKind.NotFound, "That account does not exist."));
        }

        var working = await db.ApiKeys
            .Where(k => k.OwnerId == ownerId)
            .Where(ApiKeyStatusRules.StillWorks.At(now))
            .ToListAsync(cancellationToken);
        foreach (var key in working)
        {
            RevokeByAdmin(db, key, admin, reason!.Trim(), now);
        }

        // The details name at most MaxKeysInDetails keys: each key has its own key.revoked event,
        // and a full list of an account's keys (MaxActivePerAccount may allow hundreds) outgrows
        // the details column, which failed the whole revocation on PostgreSQL.
        db.AuditEvents.Add(AuditEvents.AccountEvent(AuditEventTypes.KeysBulkRevoked, ownerId, admin, now,
            new { by = "admin", reason = reason!.Trim(), revoked = working.Count, keys = working.Take(MaxKeysInDetails).Select(k => k.Id) }));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        LogBulkRevoked(logger, working.Count, ownerId, admin.UserId);
        return ApiKeyResult<BulkRevocation>.Ok(new BulkRevocation(working.Count, working.Select(k => k.Name).ToList()));
    }

    private static void RevokeByAdmin(ApplicationDbContext db, ApiKey key, AuditActor admin, string reason, DateTimeOffset now)
    {
        MarkRevokedByAdmin(key, admin, reason, now);
        db.AuditEvents.Add(AuditEvents.KeyEvent(AuditEventTypes.KeyRevoked, key, admin, now, new { by = "admin", reason }));
    }

    private static void MarkRevokedByAdmin(ApiKey key, AuditActor admin, string reason, DateTimeOffset now)
    {
        key.RevokedAt = now;
        key.ActiveName = null;
        key.RevokedBy = admin.UserId;
        key.RevokedByAdmin = true;
        key.RevocationReason = reason;
        key.Version = Guid.NewGuid();
    }

    // An administrator whose own account another administrator disabled is refused at once, before
    // their open session is ended (IdentityRevalidatingAuthenticationStateProvider).
    internal static async Task DemandAdminAsync(ApplicationDbContext db, AuditActor actor, CancellationToken cancellationToken)
    {
        var isAdmin = await (from ur in db.UserRoles
                             join r in db.Roles on ur.RoleId equals r.Id
                             join u in db.Users on ur.UserId equals u.Id
                             where ur.UserId == actor.UserId && r.NormalizedName == AdminOptions.RoleName.ToUpperInvariant() && u.DisabledAt == null
                             select ur).AnyAsync(cancellationToken);
        if (!isAdmin)
        {
            throw new UnauthorizedAccessException("Only administrators may do this.");
        }
    }

    // [from, to): every string that starts with prefix, for an index range scan.
    internal static (string From, string To) PrefixRange(string prefix) => (prefix, prefix + '\uffff');

    [LoggerMessage(Level = LogLevel.Warning, Message = "Administrator {AdminId} revoked API key {KeyId} of account {OwnerId}")]
    private static partial void LogRevoked(ILogger logger, Guid keyId, string ownerId, string adminId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Administrator {AdminId} {Change} API key {KeyId} of account {OwnerId}")]
    private static partial void LogQuarantine(ILogger logger, string change, Guid keyId, string ownerId, string adminId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Administrator {AdminId} revoked all {Count} working API keys of account {OwnerId}")]
    private static partial void LogBulkRevoked(ILogger logger, int count, string ownerId, string adminId);
}
