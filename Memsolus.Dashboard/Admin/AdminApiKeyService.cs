using Memsolus.Dashboard.Account;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Admin;

public enum AdminKeyStatusFilter
{
    All,
    Active,
    ExpiresSoon,
    Expired,
    Rotated,
    Revoked,
}

public enum AdminKeySort
{
    Created,
    Name,
    Owner,
    LastUsed,
}

public sealed record AdminKeyQuery(
    string? Search = null,
    AdminKeyStatusFilter Status = AdminKeyStatusFilter.All,
    ApiKeyEnvironment? Environment = null,
    AdminKeySort Sort = AdminKeySort.Created,
    bool Descending = true,
    int Page = 0,
    int PageSize = 25);

public sealed record AdminKeyRow(string OwnerId, string OwnerEmail, ApiKeySummary Key);

public sealed record AdminKeyPage(IReadOnlyList<AdminKeyRow> Rows, int Total);

public sealed record BulkRevocation(int Revoked, IReadOnlyList<string> KeyNames);

// What an administrator can do to any account's keys. Every method checks, in the database, that
// the acting account holds role Admin: a page's [Authorize] is not the only guard.
public sealed partial class AdminApiKeyService(
    IDbContextFactory<ApplicationDbContext> contextFactory,
    ApiKeyService keys,
    TimeProvider clock,
    IOptions<ApiKeysOptions> options,
    ILogger<AdminApiKeyService> logger)
{
    public const int MaxPageSize = 100;

    public async Task<AdminKeyPage> SearchAsync(AuditActor admin, AdminKeyQuery query, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await DemandAdminAsync(db, admin, cancellationToken);

        var now = clock.GetUtcNow();
        var soon = now + options.Value.ExpiresSoonWindow;
        var rows = from k in db.ApiKeys.AsNoTracking()
                   join u in db.Users.AsNoTracking() on k.OwnerId equals u.Id
                   select new { Key = k, Email = u.Email!, NormalizedEmail = u.NormalizedEmail! };

        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var search = query.Search.Trim();
            if (ApiKeyFormat.TryParse(search, out _))
            {
                // A whole pasted key: found by its hash, never kept or logged.
                var hash = ApiKeyFormat.Hash(search);
                rows = rows.Where(r => r.Key.SecretHash == hash);
            }
            else if (search.StartsWith(ApiKeyFormat.LivePrefix, StringComparison.Ordinal) || search.StartsWith(ApiKeyFormat.TestPrefix, StringComparison.Ordinal))
            {
                var (from, to) = PrefixRange(search.Split('…')[0]);
                rows = rows.Where(r => string.Compare(r.Key.DisplayKey, from) >= 0 && string.Compare(r.Key.DisplayKey, to) < 0);
            }
            else
            {
                // An owner's email or a key name, by prefix (both indexed), case-insensitively.
                var (from, to) = PrefixRange(search.ToUpperInvariant());
                rows = rows.Where(r =>
                    (string.Compare(r.NormalizedEmail, from) >= 0 && string.Compare(r.NormalizedEmail, to) < 0)
                    || (string.Compare(r.Key.NormalizedName, from) >= 0 && string.Compare(r.Key.NormalizedName, to) < 0));
            }
        }

        if (query.Environment is { } environment)
        {
            rows = rows.Where(r => r.Key.Environment == environment);
        }

        rows = query.Status switch
        {
            AdminKeyStatusFilter.Revoked => rows.Where(r => r.Key.RevokedAt != null),
            AdminKeyStatusFilter.Rotated => rows.Where(r => r.Key.RevokedAt == null && r.Key.RotatedToId != null),
            AdminKeyStatusFilter.Expired => rows.Where(r => r.Key.RevokedAt == null && r.Key.RotatedToId == null && r.Key.ExpiresAt != null && r.Key.ExpiresAt <= now),
            AdminKeyStatusFilter.ExpiresSoon => rows.Where(r => r.Key.RevokedAt == null && r.Key.RotatedToId == null && r.Key.ExpiresAt != null && r.Key.ExpiresAt > now && r.Key.ExpiresAt <= soon),
            AdminKeyStatusFilter.Active => rows.Where(r => r.Key.RevokedAt == null && r.Key.RotatedToId == null && (r.Key.ExpiresAt == null || r.Key.ExpiresAt > soon)),
            _ => rows,
        };

        var total = await rows.CountAsync(cancellationToken);
        rows = (query.Sort, query.Descending) switch
        {
            (AdminKeySort.Name, false) => rows.OrderBy(r => r.Key.NormalizedName).ThenBy(r => r.Key.Id),
            (AdminKeySort.Name, true) => rows.OrderByDescending(r => r.Key.NormalizedName).ThenByDescending(r => r.Key.Id),
            (AdminKeySort.Owner, false) => rows.OrderBy(r => r.NormalizedEmail).ThenBy(r => r.Key.Id),
            (AdminKeySort.Owner, true) => rows.OrderByDescending(r => r.NormalizedEmail).ThenByDescending(r => r.Key.Id),
            (AdminKeySort.LastUsed, false) => rows.OrderBy(r => r.Key.LastUsedAt).ThenBy(r => r.Key.Id),
            (AdminKeySort.LastUsed, true) => rows.OrderByDescending(r => r.Key.LastUsedAt).ThenByDescending(r => r.Key.Id),
            (_, false) => rows.OrderBy(r => r.Key.CreatedAt).ThenBy(r => r.Key.Id),
            _ => rows.OrderByDescending(r => r.Key.CreatedAt).ThenByDescending(r => r.Key.Id),
        };

        var size = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var page = await rows.Skip(Math.Max(0, query.Page) * size).Take(size).ToListAsync(cancellationToken);
        return new AdminKeyPage(page.Select(r => new AdminKeyRow(r.Key.OwnerId, r.Email, keys.Summarize(r.Key, now))).ToList(), total);
    }

    public async Task<ApiKeyResult<ApiKeySummary>> RevokeAsync(AuditActor admin, Guid keyId, string? reason, CancellationToken cancellationToken = default)
    {
        if (ValidateReason(reason) is { } invalid)
        {
            return ApiKeyResult<ApiKeySummary>.Fail(invalid);
        }

        var now = clock.GetUtcNow();
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await DemandAdminAsync(db, admin, cancellationToken);
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == keyId, cancellationToken);
        if (key is null)
        {
            return ApiKeyResult<ApiKeySummary>.Fail(new(ApiKeyErrorKind.NotFound, "That API key does not exist."));
        }

        if (key.RevokedAt is not null)
        {
            return ApiKeyResult<ApiKeySummary>.Fail(new(ApiKeyErrorKind.Invalid, "This key is already revoked."));
        }

        RevokeByAdmin(db, key, admin, reason!.Trim(), now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return ApiKeyResult<ApiKeySummary>.Fail(new(ApiKeyErrorKind.Invalid, "This key changed while you were revoking it. Search again and retry."));
        }

        LogRevoked(logger, key.Id, key.OwnerId, admin.UserId);
        return ApiKeyResult<ApiKeySummary>.Ok(keys.Summarize(key, now));
    }

    // For a compromised account: every key that still works stops, in one transaction.
    public async Task<ApiKeyResult<BulkRevocation>> RevokeAllAsync(AuditActor admin, string ownerId, string? reason, CancellationToken cancellationToken = default)
    {
        if (ValidateReason(reason) is { } invalid)
        {
            return ApiKeyResult<BulkRevocation>.Fail(invalid);
        }

        var now = clock.GetUtcNow();
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await DemandAdminAsync(db, admin, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await db.Users.AnyAsync(u => u.Id == ownerId, cancellationToken))
        {
            return ApiKeyResult<BulkRevocation>.Fail(new(ApiKeyErrorKind.NotFound, "That account does not exist."));
        }

        var working = await db.ApiKeys
            .Where(k => k.OwnerId == ownerId && k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now))
            .ToListAsync(cancellationToken);
        foreach (var key in working)
        {
            RevokeByAdmin(db, key, admin, reason!.Trim(), now);
        }

        db.AuditEvents.Add(new AuditEvent
        {
            OccurredAt = now,
            EventType = AuditEventTypes.KeysBulkRevoked,
            OwnerId = ownerId,
            ActorId = admin.UserId,
            ActorName = admin.UserName,
            Details = System.Text.Json.JsonSerializer.Serialize(new { by = "admin", reason = reason!.Trim(), revoked = working.Count, keys = working.Select(k => k.Id) }, System.Text.Json.JsonSerializerOptions.Web),
            ClientIp = admin.ClientIp,
            UserAgent = admin.UserAgent,
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        LogBulkRevoked(logger, working.Count, ownerId, admin.UserId);
        return ApiKeyResult<BulkRevocation>.Ok(new BulkRevocation(working.Count, working.Select(k => k.Name).ToList()));
    }

    private static void RevokeByAdmin(ApplicationDbContext db, ApiKey key, AuditActor admin, string reason, DateTimeOffset now)
    {
        key.RevokedAt = now;
        key.RevokedBy = admin.UserId;
        key.RevokedByAdmin = true;
        key.RevocationReason = reason;
        key.Version = Guid.NewGuid();
        db.AuditEvents.Add(ApiKeyService.Event(AuditEventTypes.KeyRevoked, key, admin, now, new { by = "admin", reason }));
    }

    private static ApiKeyError? ValidateReason(string? reason)
    {
        var trimmed = reason?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return new(ApiKeyErrorKind.Invalid, "Give a reason: the owner will see it.", "Reason");
        }

        return trimmed.Length > ApiKeyRules.MaxReasonLength
            ? new(ApiKeyErrorKind.Invalid, $"Use at most {ApiKeyRules.MaxReasonLength} characters.", "Reason")
            : null;
    }

    internal static async Task DemandAdminAsync(ApplicationDbContext db, AuditActor actor, CancellationToken cancellationToken)
    {
        var isAdmin = await (from ur in db.UserRoles
                             join r in db.Roles on ur.RoleId equals r.Id
                             where ur.UserId == actor.UserId && r.NormalizedName == AdminOptions.RoleName.ToUpperInvariant()
                             select ur).AnyAsync(cancellationToken);
        if (!isAdmin)
        {
            throw new UnauthorizedAccessException("Only administrators may do this.");
        }
    }

    // [from, to): every string that starts with prefix, for an index range scan.
    private static (string From, string To) PrefixRange(string prefix) => (prefix, prefix + '\uffff');

    [LoggerMessage(Level = LogLevel.Warning, Message = "Administrator {AdminId} revoked API key {KeyId} of account {OwnerId}")]
    private static partial void LogRevoked(ILogger logger, Guid keyId, string ownerId, string adminId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Administrator {AdminId} revoked all {Count} working API keys of account {OwnerId}")]
    private static partial void LogBulkRevoked(ILogger logger, int count, string ownerId, string adminId);
}
