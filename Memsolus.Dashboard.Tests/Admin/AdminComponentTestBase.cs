using System.Security.Claims;
using AngleSharp.Dom;
using Bunit;
using Memsolus.Dashboard.Account;
using Memsolus.Dashboard.Admin;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Tests.ApiKeys;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Memsolus.Dashboard.Tests.Admin;

// The admin console and audit-log screens over the real services and schema of
// ApiKeyComponentTestBase, plus an administrator. The owner stays signed in unless a test class
// signs the administrator in (SignInAsAdmin), so the owner's screens can show what an admin did.
public abstract class AdminComponentTestBase : ApiKeyComponentTestBase
{
    protected const string AdminEmail = "admin@example.com";

    private bool adminStored;

    protected AdminComponentTestBase()
    {
        Context.Services.AddSingleton<ILogger<AdminApiKeyStore>>(NullLogger<AdminApiKeyStore>.Instance);
        Context.Services.AddSingleton<AdminApiKeyStore>();
        Context.Services.AddSingleton<AuditLogStore>();
    }

    protected AuditActor Admin { get; } = new(Guid.NewGuid().ToString(), AdminEmail, "198.51.100.1", "bUnit-admin");

    protected AdminApiKeyStore AdminKeys => Context.Services.GetRequiredService<AdminApiKeyStore>();

    protected AuditLogStore AuditLog => Context.Services.GetRequiredService<AuditLogStore>();

    // Call from the test class's constructor: bUnit fixes its services once a test starts.
    protected void SignInAsAdmin() =>
        Context.AddAuthorization()
            .SetAuthorized(AdminEmail)
            .SetRoles(AdminOptions.RoleName)
            .SetClaims(new Claim(ClaimTypes.NameIdentifier, Admin.UserId));

    // The services check the role in the database, as Identity stores it: a role row and a
    // user-role row. Stored before the first thing that needs it, once per test.
    protected async Task StoreAdminAsync()
    {
        if (adminStored)
        {
            return;
        }

        await using var db = NewDbContext();
        var role = new IdentityRole(AdminOptions.RoleName) { NormalizedName = AdminOptions.RoleName.ToUpperInvariant() };
        db.Roles.Add(role);
        db.Users.Add(new ApplicationUser
        {
            Id = Admin.UserId,
            UserName = AdminEmail,
            NormalizedUserName = AdminEmail.ToUpperInvariant(),
            Email = AdminEmail,
            NormalizedEmail = AdminEmail.ToUpperInvariant(),
            EmailConfirmed = true,
        });
        db.UserRoles.Add(new IdentityUserRole<string> { UserId = Admin.UserId, RoleId = role.Id });
        await db.SaveChangesAsync();
        adminStored = true;
    }

    protected async Task<ApiKeySummary> RevokeAsAdminAsync(CreatedApiKey key, string reason)
    {
        await StoreAdminAsync();
        var result = await AdminKeys.RevokeAsync(Admin, key.Key.Id, reason);
        Assert.True(result.Succeeded, result.Error?.Message);
        return result.Value!;
    }

    // A rendered MudTable's body rows; a row that only says there is nothing to show is not one.
    protected static IReadOnlyList<IElement> BodyRows<TComponent>(IRenderedComponent<TComponent> root)
        where TComponent : IComponent =>
        root.FindAll("tbody tr").Where(tr => tr.QuerySelector("td[data-label]") is not null).ToList();

    // The rows of an audit-log table (AuditLogView) as a reader sees them.
    protected static List<LogRow> LogRows<TComponent>(IRenderedComponent<TComponent> root)
        where TComponent : IComponent =>
        BodyRows(root).Select(tr => new LogRow(tr)).ToList();

    protected sealed class LogRow(IElement row)
    {
        public string this[string column] => Text(Cell(column));

        public IElement Cell(string column) => row.QuerySelector($"td[data-label='{column}']")!;
    }
}
