using Memsolus.Dashboard.Account;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Admin;

// The whole app with a configured administrator (created in role Admin at start-up, as in
// production), for the tests that go through HTTP, the API-key scheme or the app's own logging.
public class AdminAppFactory : MemsolusAppFactory
{
    public const string AdminEmail = "root@memsolus.test";

    public AdminAppFactory()
        : this(onPostgres: false)
    {
    }

    protected AdminAppFactory(bool onPostgres)
        : base(databasePath: null, Settings(onPostgres))
    {
    }

    private static Dictionary<string, string?> Settings(bool onPostgres)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Admin:Email"] = AdminEmail,
            ["Admin:Password"] = TestAccounts.Password,
        };
        return onPostgres ? WithPostgres(settings) : settings;
    }

    internal async Task<AuditActor> AdminActorAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var admin = await users.FindByEmailAsync(AdminEmail) ?? throw new InvalidOperationException("The configured admin was not created.");
        Assert.True(await users.IsInRoleAsync(admin, AdminOptions.RoleName));
        return new AuditActor(admin.Id, admin.Email, "127.0.0.1", "tests");
    }
}

public sealed class PostgresAdminAppFactory() : AdminAppFactory(onPostgres: true);
