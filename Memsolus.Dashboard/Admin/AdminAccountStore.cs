using System.Security.Cryptography;
using Memsolus.Dashboard.Account;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Admin;

// What an administrator can do to an account as a whole: find it, disable it with a reason, enable
// it again. Every method checks, in the database, that the acting account holds role Admin (as
// AdminApiKeyStore does). Disabling is the one switch that stops an account entirely: it cannot sign
// in (AccountSignInManager), its open sessions end at their next check (a new security stamp), and
// every key it owns answers 401 from the next request on every node (ApiKeyStatusRules.OwnerDisabled,
// whose cache entries ApiKeyCacheInvalidator removes when this save commits). Its keys are not
// revoked: enabling the account brings them back as they were.
internal sealed partial class AdminAccountStore(
    IDbContextFactory<ApplicationDbContext> contextFactory,
    TimeProvider clock,
    ILogger<AdminAccountStore> logger)
{
    public const int MaxPageSize = 100;

    public async Task<AdminAccountPage> SearchAsync(AuditActor admin, AdminAccountQuery query, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await AdminApiKeyStore.DemandAdminAsync(db, admin, cancellationToken);

        // No stored address holds such text, and PostgreSQL would refuse it as a parameter.
        if (!StoredText.IsStorable(query.Search?.Trim()))
        {
            return new AdminAccountPage([], 0);
        }

        var now = clock.GetUtcNow();
        var users = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var (from, to) = AdminApiKeyStore.PrefixRange(query.Search.Trim().ToUpperInvariant());
            users = users.Where(u => string.Compare(u.NormalizedEmail, from) >= 0 && string.Compare(u.NormalizedEmail, to) < 0);
        }

        if (query.DisabledOnly)
        {
            users = users.Where(u => u.DisabledAt != null);
        }

        var total = await users.CountAsync(cancellationToken);
        var size = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var page = await users
            .OrderBy(u => u.NormalizedEmail).ThenBy(u => u.Id)
            .Skip(Math.Max(0, query.Page) * size).Take(size)
            .ToListAsync(cancellationToken);

        var ids = page.Select(u => u.Id).ToList();
        var admins = await (from ur in db.UserRoles
                            join r in db.Roles on ur.RoleId equals r.Id
                            where ids.Contains(ur.UserId) && r.NormalizedName == AdminOptions.RoleName.ToUpperInvariant()
                            select ur.UserId).ToListAsync(cancellationToken);
        var workingKeys = await db.ApiKeys.AsNoTracking()
            .Where(k => ids.Contains(k.OwnerId))
            .Where(ApiKeyStatusRules.StillWorks.At(now))
            .GroupBy(k => k.OwnerId)
            .Select(g => new { OwnerId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.OwnerId, g => g.Count, cancellationToken);

        return new AdminAccountPage(
            page.Select(u => new AdminAccountRow(
                u.Id,
                u.Email ?? u.UserName ?? u.Id,
                u.DisabledAt,
                u.DisabledReason,
                u.LockoutEnd > now ? u.LockoutEnd : null,
                admins.Contains(u.Id),
                workingKeys.GetValueOrDefault(u.Id))).ToList(),
            total);
    }

    public async Task<ApiKeyResult<AdminAccountRow>> DisableAsync(AuditActor admin, string userId, string? reason, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await AdminApiKeyStore.DemandAdminAsync(db, admin, cancellationToken);
        if (AdminReason.Validate(reason, ApplicationUser.MaxDisabledReasonLength) is { } invalid)
        {
            return ApiKeyResult<AdminAccountRow>.Fail(invalid);
        }

        // An administrator who locked themselves out would need another to undo it, and may be the
        // only one.
        if (userId == admin.UserId)
        {
            return ApiKeyResult<AdminAccountRow>.Fail(new(ApiKeyErrorKind.Invalid, "You cannot disable your own account."));
        }

        var user = await db.Users.AsTracking().SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return ApiKeyResult<AdminAccountRow>.Fail(new(ApiKeyErrorKind.NotFound, "That account does not exist."));
        }

        if (user.DisabledAt is not null)
        {
            return ApiKeyResult<AdminAccountRow>.Fail(new(ApiKeyErrorKind.Invalid, "This account is already disabled."));
        }

        var now = clock.GetUtcNow();
        var trimmed = reason!.Trim();
        user.DisabledAt = now;
        user.DisabledReason = trimmed;

        // A new security stamp ends every sign-in cookie and circuit at its next check, as
        // Identity does when a password changes.
        user.SecurityStamp = NewSecurityStamp();
        db.AuditEvents.Add(AuditEvents.AccountEvent(AuditEventTypes.AccountDisabled, user.Id, admin, now, new { by = "admin", reason = trimmed }));
        if (await SaveAsync(db, user, cancellationToken) is { } conflict)
        {
            return ApiKeyResult<AdminAccountRow>.Fail(conflict);
        }

        LogDisabled(logger, user.Id, admin.UserId);
        return ApiKeyResult<AdminAccountRow>.Ok(await RowAsync(db, user, now, cancellationToken));
    }

    public async Task<ApiKeyResult<AdminAccountRow>> EnableAsync(AuditActor admin, string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await AdminApiKeyStore.DemandAdminAsync(db, admin, cancellationToken);

        var user = await db.Users.AsTracking().SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return ApiKeyResult<AdminAccountRow>.Fail(new(ApiKeyErrorKind.NotFound, "That account does not exist."));
        }

        if (user.DisabledAt is not { } disabledAt)
        {
            return ApiKeyResult<AdminAccountRow>.Fail(new(ApiKeyErrorKind.Invalid, "This account is not disabled."));
        }

        var now = clock.GetUtcNow();
        db.AuditEvents.Add(AuditEvents.AccountEvent(AuditEventTypes.AccountEnabled, user.Id, admin, now,
            new { by = "admin", disabledAt, disabledReason = user.DisabledReason }));
        user.DisabledAt = null;
        user.DisabledReason = null;
        if (await SaveAsync(db, user, cancellationToken) is { } conflict)
        {
            return ApiKeyResult<AdminAccountRow>.Fail(conflict);
        }

        LogEnabled(logger, user.Id, admin.UserId);
        return ApiKeyResult<AdminAccountRow>.Ok(await RowAsync(db, user, now, cancellationToken));
    }

    // Identity's ConcurrencyStamp guards the row both ways: this save fails if the account changed
    // since it was read, and a change Identity saves from an older copy (a sign-in counting a
    // failure, say, which writes every column) fails rather than undo this one.
    private static async Task<ApiKeyError?> SaveAsync(ApplicationDbContext db, ApplicationUser user, CancellationToken cancellationToken)
    {
        user.ConcurrencyStamp = Guid.NewGuid().ToString();
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return new(ApiKeyErrorKind.Invalid, "This account changed while you were saving. Search again and retry.");
        }
    }

    private static async Task<AdminAccountRow> RowAsync(ApplicationDbContext db, ApplicationUser user, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var isAdmin = await (from ur in db.UserRoles
                             join r in db.Roles on ur.RoleId equals r.Id
                             where ur.UserId == user.Id && r.NormalizedName == AdminOptions.RoleName.ToUpperInvariant()
                             select ur).AnyAsync(cancellationToken);
        var workingKeys = await db.ApiKeys.Where(k => k.OwnerId == user.Id).Where(ApiKeyStatusRules.StillWorks.At(now)).CountAsync(cancellationToken);
        return new AdminAccountRow(user.Id, user.Email ?? user.UserName ?? user.Id, user.DisabledAt, user.DisabledReason,
            user.LockoutEnd > now ? user.LockoutEnd : null, isAdmin, workingKeys);
    }

    private static string NewSecurityStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(20));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Administrator {AdminId} disabled account {UserId}")]
    private static partial void LogDisabled(ILogger logger, string userId, string adminId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Administrator {AdminId} enabled account {UserId}")]
    private static partial void LogEnabled(ILogger logger, string userId, string adminId);
}
