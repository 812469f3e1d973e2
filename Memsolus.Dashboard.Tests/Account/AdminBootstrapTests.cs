using Memsolus.Dashboard.Account;
using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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
    public async Task Half_a_configuration_stops_start_up_with_a_clear_message()
    {
        var error = Assert.IsType<OptionsValidationException>(await StartupFailure.OfAsync(() => new MemsolusAppFactory(new() { Settings = new Dictionary<string, string?> { ["Admin:Email"] = TestAccounts.AdminEmail } })));

        Assert.Contains("Set both Admin:Email and Admin:Password, or neither.", error.Message);
    }

    [Fact]
    public async Task Admin_password_that_fails_the_password_policy_stops_start_up()
    {
        var error = Assert.IsType<InvalidOperationException>(await StartupFailure.OfAsync(() => new MemsolusAppFactory(new()
        {
            Settings = new Dictionary<string, string?>
            {
                ["Admin:Email"] = TestAccounts.AdminEmail,
                ["Admin:Password"] = "short",
            },
        })));

        Assert.Contains("at least 12 characters", error.Message);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public async Task An_account_registered_earlier_with_the_admin_email_is_not_promoted_and_an_error_is_logged(bool promoteExisting, bool confirmed)
    {
        var path = TestDatabase.NewSqlitePath();
        try
        {
            var squatter = await RegisterEarlierAsync(path, confirmed);

            await using var app = new MemsolusAppFactory(AdminOn(path, promoteExisting));

            Assert.Empty(await AdminsAsync(app));
            var user = await UserAsync(app, TestAccounts.AdminEmail);
            Assert.Equal(squatter.Id, user.Id);
            Assert.Equal(squatter.PasswordHash, user.PasswordHash);
            var error = Assert.Single(app.Logs.Lines(), l => l.StartsWith($"Error {typeof(AdminAccountInitializer).FullName}", StringComparison.Ordinal));
            Assert.Contains($"Account {squatter.Id} already has the Admin:Email address and was NOT made an administrator", error, StringComparison.Ordinal);
            Assert.Contains("Admin:PromoteExisting=true", error, StringComparison.Ordinal);
        }
        finally
        {
            TestDatabase.DeleteSqliteFile(path);
        }
    }

    [Fact]
    public async Task PromoteExisting_makes_an_account_with_a_confirmed_admin_email_the_administrator()
    {
        var path = TestDatabase.NewSqlitePath();
        try
        {
            var existing = await RegisterEarlierAsync(path, confirmed: true);

            await using var app = new MemsolusAppFactory(AdminOn(path, promoteExisting: true));

            var admin = Assert.Single(await AdminsAsync(app));
            Assert.Equal(existing.Id, admin.Id);
            Assert.Equal(existing.PasswordHash, admin.PasswordHash);
        }
        finally
        {
            TestDatabase.DeleteSqliteFile(path);
        }
    }

    [Fact]
    public async Task Outside_Development_the_password_committed_in_appsettings_stops_start_up_naming_the_setting()
    {
        var committed = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(TestMachine.RepositoryRoot, "Memsolus.Dashboard", "appsettings.Development.json"))
            .Build()["Admin:Password"];
        Assert.False(string.IsNullOrEmpty(committed));
        var error = Assert.IsType<InvalidOperationException>(await StartupFailure.OfAsync(() => new MemsolusAppFactory(Production(TestAccounts.AdminEmail, committed))));

        Assert.StartsWith("Admin:Password is the password written in appsettings.Development.json", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(committed, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outside_Development_a_password_shorter_than_16_characters_stops_start_up_naming_the_setting()
    {
        var error = Assert.IsType<InvalidOperationException>(await StartupFailure.OfAsync(() => new MemsolusAppFactory(Production(TestAccounts.AdminEmail, "Short-Pass-1234"))));

        Assert.StartsWith("Admin:Password must be at least 16 characters outside Development.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outside_Development_a_long_unique_password_makes_the_admin_and_two_factor_is_required()
    {
        await using var app = new MemsolusAppFactory(Production(TestAccounts.AdminEmail, TestAccounts.Password));

        Assert.Equal(TestAccounts.AdminEmail, Assert.Single(await AdminsAsync(app)).Email);
        Assert.True(app.Services.GetRequiredService<IOptions<AdminOptions>>().Value.RequireTwoFactor);
    }

    [Fact]
    public void In_Development_two_factor_is_not_required_unless_configured()
    {
        using var app = new MemsolusAppFactory(new() { Admin = TestAdmin.Development });

        Assert.False(app.Services.GetRequiredService<IOptions<AdminOptions>>().Value.RequireTwoFactor);
    }

    private static TestHostOptions AdminOn(string path, bool promoteExisting) => new TestHostOptions { Database = path, Admin = TestAdmin.Configured }
        .With(new Dictionary<string, string?> { ["Admin:PromoteExisting"] = promoteExisting ? "true" : "false" });

    private static TestHostOptions Production(string email, string password) => new TestHostOptions { Environment = Environments.Production }
        .With(new Dictionary<string, string?> { ["Admin:Email"] = email, ["Admin:Password"] = password });

    // Someone registers the future admin's address before the admin is configured.
    private static async Task<ApplicationUser> RegisterEarlierAsync(string path, bool confirmed)
    {
        await using var before = new MemsolusAppFactory(new() { Database = path });
        await using var scope = before.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = TestAccounts.AdminEmail, Email = TestAccounts.AdminEmail, EmailConfirmed = confirmed };
        Assert.True((await users.CreateAsync(user, "Squatters-Own-Password-1")).Succeeded);
        return user;
    }

    private static async Task<ApplicationUser> UserAsync(MemsolusAppFactory app, string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email))!;
    }


    private static async Task<IList<ApplicationUser>> AdminsAsync(MemsolusAppFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return await users.GetUsersInRoleAsync(AdminOptions.RoleName);
    }
}
