using System.Security.Claims;
using Memsolus.Dashboard.Account;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Admin;

// Admin:RequireTwoFactor: whether a signed-in administrator still has to turn on two-factor sign-in
// before the admin pages show them anything. Read from the database, not the sign-in cookie, so
// turning two-factor off takes effect on the next page.
internal sealed class AdminTwoFactor(IDbContextFactory<ApplicationDbContext> contextFactory, IOptions<AdminOptions> options)
{
    public bool Required => options.Value.RequireTwoFactor == true;

    public async Task<bool> MissingAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        if (!Required || user.FindFirstValue(ClaimTypes.NameIdentifier) is not { } id || !user.IsInRole(AdminOptions.RoleName))
        {
            return false;
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return !await db.Users.AnyAsync(u => u.Id == id && u.TwoFactorEnabled, cancellationToken);
    }
}
