using Memsolus.Dashboard.Hosting;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Memsolus.Dashboard.Data;

namespace Memsolus.Dashboard.Account;

internal static class AccountExtensions
{
    public const int MinimumPasswordLength = 12;

    public static readonly TimeSpan SessionCheckInterval = TimeSpan.FromMinutes(1);

    public static WebApplicationBuilder AddAccount(this WebApplicationBuilder builder)
    {
        var services = builder.Services;

        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.AddAuthorization();

        services.AddIdentityCore<ApplicationUser>(options =>
            {
                // Only a confirmed address may sign in: registering someone else's address (the
                // future admin's, say) gives nothing until its owner opens the mailed link.
                options.SignIn.RequireConfirmedAccount = true;
                options.User.RequireUniqueEmail = true;
                options.Password.RequiredLength = MinimumPasswordLength;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
            })
            .AddRoles<IdentityRole>()
            .AddUserValidator<AccountEmailValidator>()
            .AddUserManager<AccountUserManager>()
            .AddEntityFrameworkStores<ApplicationDbContext>()
            .AddSignInManager<AccountSignInManager>()
            .AddDefaultTokenProviders();

        // How soon an open session ends once its account is disabled (or its password changes):
        // the sign-in cookie's security stamp is checked this often, as is a live circuit's
        // (IdentityRevalidatingAuthenticationStateProvider). Identity's default is 30 minutes.
        services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = SessionCheckInterval);

        services.AddValidatedOptions<AdminOptions>(AdminOptions.SectionName)
            .PostConfigure<IHostEnvironment>((admin, environment) => admin.RequireTwoFactor ??= !environment.IsDevelopment());
        services.AddHostedService<AdminAccountInitializer>();

        return builder;
    }

    // Sign-in cookies for the dashboard, never for /api/v1 (the API is authorised by keys alone),
    // then authorization and antiforgery for the pages and forms.
    public static WebApplication UseAccount(this WebApplication app)
    {
        app.UseAuthenticationOutsideApi();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }
}
