using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Memsolus.Dashboard.Data;

namespace Memsolus.Dashboard.Account;

// Makes sure the configured admin account exists and holds role Admin. Runs after the database
// migrator (hosted services start in registration order). Idempotent: an existing account is
// only added to the role when it lacks it; its password is never touched again.
internal sealed partial class AdminAccountInitializer(
    IServiceScopeFactory scopeFactory,
    IOptions<AdminOptions> options,
    ILogger<AdminAccountInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var admin = options.Value;
        if (!admin.IsConfigured)
        {
            return;
        }

        await using var scope = scopeFactory.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();

        if (!await roles.RoleExistsAsync(AdminOptions.RoleName))
        {
            Check(await roles.CreateAsync(new IdentityRole(AdminOptions.RoleName)), "create the Admin role");
        }

        var user = await users.FindByEmailAsync(admin.Email!);
        if (user is null)
        {
            user = new ApplicationUser { UserName = admin.Email, Email = admin.Email, EmailConfirmed = true };
            Check(await users.CreateAsync(user, admin.Password!), "create the admin account");
            LogCreated(logger, user.Id);
        }

        if (!await users.IsInRoleAsync(user, AdminOptions.RoleName))
        {
            Check(await users.AddToRoleAsync(user, AdminOptions.RoleName), "add the admin account to role Admin");
            LogPromoted(logger, user.Id);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            // Identity's error descriptions never echo the password, so they are safe to surface.
            throw new InvalidOperationException(
                $"Could not {what} from Admin:Email/Admin:Password: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the configured admin account {UserId}")]
    private static partial void LogCreated(ILogger logger, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Added account {UserId} to role Admin")]
    private static partial void LogPromoted(ILogger logger, string userId);
}
