using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Memsolus.Dashboard.Data;

namespace Memsolus.Dashboard.Account;

// Makes the configured admin account (Admin:Email, Admin:Password). Runs after the database
// migrator (hosted services start in registration order). It creates the account, confirmed and in
// role Admin, only when no account has that email; later starts never touch its password. An
// account that already has the email is never promoted silently (registration is open, so anyone
// could have registered the future admin's address first): it is promoted only with
// Admin:PromoteExisting=true and a confirmed address, and otherwise left alone with an error logged.
// Outside Development a password that is written in an appsettings file (committed with the code,
// readable by anyone who can read the repository or the image) or shorter than 16 characters stops
// start-up.
internal sealed partial class AdminAccountInitializer(
    IServiceScopeFactory scopeFactory,
    IOptions<AdminOptions> options,
    IHostEnvironment environment,
    ILogger<AdminAccountInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var admin = options.Value;
        if (!admin.IsConfigured)
        {
            return;
        }

        if (!environment.IsDevelopment())
        {
            RefuseUnsafePassword(admin.Password!);
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
        else if (await users.IsInRoleAsync(user, AdminOptions.RoleName))
        {
            return;
        }
        else if (!admin.PromoteExisting || !user.EmailConfirmed)
        {
            LogNotPromoted(logger, user.Id, admin.PromoteExisting, user.EmailConfirmed);
            return;
        }

        Check(await users.AddToRoleAsync(user, AdminOptions.RoleName), "add the admin account to role Admin");
        LogPromoted(logger, user.Id);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void RefuseUnsafePassword(string password)
    {
        if (password.Length < AdminOptions.MinimumProductionPasswordLength)
        {
            throw new InvalidOperationException(
                $"Admin:Password must be at least {AdminOptions.MinimumProductionPasswordLength} characters outside Development. Set a long, unique one through an environment variable (Admin__Password) or a secret store.");
        }

        if (CommittedIn(password) is { } file)
        {
            throw new InvalidOperationException(
                $"Admin:Password is the password written in {file}, which ships with the code: outside Development, set a unique one through an environment variable (Admin__Password) or a secret store, and keep it out of appsettings files.");
        }
    }

    // The appsettings file of the content root that sets Admin:Password to this password, if any.
    private string? CommittedIn(string password)
    {
        if (!Directory.Exists(environment.ContentRootPath))
        {
            return null;
        }

        foreach (var path in Directory.EnumerateFiles(environment.ContentRootPath, "appsettings*.json").Order(StringComparer.Ordinal))
        {
            string? written;
            try
            {
                written = new ConfigurationBuilder().AddJsonFile(path, optional: true, reloadOnChange: false).Build()["Admin:Password"];
            }
            catch (Exception exception) when (exception is InvalidDataException or FormatException or IOException)
            {
                // A file the app could not read either; it sets no password.
                continue;
            }

            if (!string.IsNullOrEmpty(written) && string.Equals(written, password, StringComparison.Ordinal))
            {
                return Path.GetFileName(path);
            }
        }

        return null;
    }

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Added existing account {UserId} to role Admin (Admin:PromoteExisting is true and its email is confirmed)")]
    private static partial void LogPromoted(ILogger logger, string userId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Account {UserId} already has the Admin:Email address and was NOT made an administrator (Admin:PromoteExisting is {PromoteExisting}, email confirmed: {EmailConfirmed}). If it is yours, confirm its address and set Admin:PromoteExisting=true; otherwise choose another Admin:Email.")]
    private static partial void LogNotPromoted(ILogger logger, string userId, bool promoteExisting, bool emailConfirmed);
}
