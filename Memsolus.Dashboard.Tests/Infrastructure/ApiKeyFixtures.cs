using Memsolus.Dashboard.Account;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Verification;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// Accounts and keys made through the app's own services, and HTTP clients that present a key.
internal static class ApiKeyFixtures
{
    public static async Task<AuditActor> NewOwnerAsync(this MemsolusAppFactory app, string prefix = "owner")
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var email = TestAccounts.NewEmail(prefix);
        // Confirmed, as every account that can sign in is (SignIn.RequireConfirmedAccount).
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true };
        var result = await users.CreateAsync(user, TestAccounts.Password);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Description)));
        return new AuditActor(user.Id, email, "127.0.0.1", "tests");
    }

    // A fresh account in role Admin, made through the app's own Identity services (the role is
    // created when missing: another test may create it at the same moment; either way it exists).
    public static async Task<AuditActor> NewAdminAsync(this MemsolusAppFactory app, string prefix = "admin")
    {
        var admin = await app.NewOwnerAsync(prefix);
        await using var scope = app.Services.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        if (!await roles.RoleExistsAsync(AdminOptions.RoleName))
        {
            await roles.CreateAsync(new IdentityRole(AdminOptions.RoleName));
        }

        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var promoted = await users.AddToRoleAsync((await users.FindByIdAsync(admin.UserId))!, AdminOptions.RoleName);
        Assert.True(promoted.Succeeded, string.Join(" ", promoted.Errors.Select(e => e.Description)));
        return admin;
    }

    // The administrator a host with TestAdmin.Configured created at start-up.
    public static async Task<AuditActor> AdminActorAsync(this MemsolusAppFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var admin = await users.FindByEmailAsync(TestAccounts.AdminEmail) ?? throw new InvalidOperationException("The configured admin was not created.");
        Assert.True(await users.IsInRoleAsync(admin, AdminOptions.RoleName));
        return new AuditActor(admin.Id, admin.Email, "127.0.0.1", "tests");
    }

    public static async Task<CreatedApiKey> NewKeyAsync(
        this MemsolusAppFactory app,
        AuditActor owner,
        IReadOnlyCollection<string> permissions,
        ApiKeyEnvironment environment = ApiKeyEnvironment.Live,
        ApiKeyExpiration expiration = ApiKeyExpiration.Never,
        string? name = null)
    {
        var service = app.Services.GetRequiredService<ApiKeyStore>();
        var result = await service.CreateAsync(owner, new CreateApiKeyRequest(name ?? $"key-{Guid.NewGuid():N}", environment, permissions, expiration));
        Assert.True(result.Succeeded, result.Error?.Message);
        return result.Value!;
    }

    public static HttpClient ApiClient(this MemsolusAppFactory app, string? key)
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false, BaseAddress = app.ClientOptions.BaseAddress });
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add(ApiKeyHeader.Name, key);
        }

        return client;
    }
}
