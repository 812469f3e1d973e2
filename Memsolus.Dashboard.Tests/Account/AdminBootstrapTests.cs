using Memsolus.Dashboard.Account;
using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Tests.Account;

public sealed class AdminBootstrapTests
{
    [Fact]
    public async Task Configured_admin_exists_in_role_Admin_after_start_up()
    {
        await using var app = new MemsolusAppFactory(new() { Admin = TestAdmin.Configured });

        var admins = await AdminsAsync(app);

        var admin = Assert.Single(admins);
        Assert.Equal(TestAccounts.AdminEmail, admin.Email);
        Assert.True(admin.EmailConfirmed);
    }

    [Fact]
    public async Task Later_starts_change_nothing_and_never_create_a_second_admin()
    {
        var path = TestDatabase.NewSqlitePath();
        try
        {
            ApplicationUser first;
            await using (var app = new MemsolusAppFactory(new() { Database = path, Admin = TestAdmin.Configured }))
            {
                first = Assert.Single(await AdminsAsync(app));
            }

            await using (var again = new MemsolusAppFactory(new() { Database = path, Admin = TestAdmin.Configured }))
            {
                var second = Assert.Single(await AdminsAsync(again));
                Assert.Equal(first.Id, second.Id);
                Assert.Equal(first.PasswordHash, second.PasswordHash);
                Assert.Equal(first.SecurityStamp, second.SecurityStamp);
                await using var scope = again.Services.CreateAsyncScope();
                var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
                Assert.Equal(1, users.Users.Count());
            }
        }
        finally
        {
            TestDatabase.DeleteSqliteFile(path);
        }
    }

    [Fact]
    public async Task No_admin_is_created_when_the_settings_are_absent()
    {
        await using var app = new MemsolusAppFactory();

        Assert.Empty(await AdminsAsync(app));
    }

    [Fact]
    public async Task Development_settings_bootstrap_a_local_admin_who_can_sign_in()
    {
        await using var app = new MemsolusAppFactory(new() { Admin = TestAdmin.Development });
        var configured = app.Services.GetRequiredService<IOptions<AdminOptions>>().Value;
        var client = app.CreateClient(new() { AllowAutoRedirect = false });

        var response = await IdentityForms.LoginAsync(client, configured.Email!, configured.Password!);

        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.AbsolutePath);
        var admin = Assert.Single(await AdminsAsync(app));
        Assert.Equal(configured.Email, admin.Email);
    }

    [Fact]
    public void Half_a_configuration_stops_start_up_with_a_clear_message()
    {
        using var app = new MemsolusAppFactory(new() { Settings = new Dictionary<string, string?> { ["Admin:Email"] = TestAccounts.AdminEmail } });

        var error = Assert.Throws<OptionsValidationException>(() => app.Services);

        Assert.Contains("Set both Admin:Email and Admin:Password, or neither.", error.Message);
    }

    [Fact]
    public void Admin_password_that_fails_the_password_policy_stops_start_up()
    {
        using var app = new MemsolusAppFactory(new()
        {
            Settings = new Dictionary<string, string?>
            {
                ["Admin:Email"] = TestAccounts.AdminEmail,
                ["Admin:Password"] = "short",
            },
        });

        var error = Assert.Throws<InvalidOperationException>(() => app.Services);

        Assert.Contains("at least 12 characters", error.Message);
    }

    private static async Task<IList<ApplicationUser>> AdminsAsync(MemsolusAppFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return await users.GetUsersInRoleAsync(AdminOptions.RoleName);
    }
}
