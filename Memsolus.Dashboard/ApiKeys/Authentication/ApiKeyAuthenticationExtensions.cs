using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Memsolus.Dashboard.ApiKeys.Authentication;

internal static class ApiKeyAuthenticationExtensions
{
    public static WebApplicationBuilder AddApiKeyAuthentication(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ApiKeyVerificationOptions>()
            .BindConfiguration(ApiKeyVerificationOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ApiKeyCache>();
        services.AddSingleton<ApiKeyVerifier>();
        // Every context the factory creates saves through it (AddData adds each IInterceptor).
        services.AddSingleton<IInterceptor, ApiKeyCacheInvalidator>();
        services.AddSingleton<FailedAttemptLimiter>();
        services.AddSingleton<ApiKeyUsageRecorder>();
        services.AddHostedService<ApiKeyUsageFlusher>();

        // Registered, the handler is built by the container's compiled factory on each request
        // rather than by ActivatorUtilities' reflection (AuthenticationHandlerProvider asks the
        // container first).
        services.AddTransient<ApiKeyAuthenticationHandler>();
        services.AddAuthentication()
            .AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationDefaults.AuthenticationScheme, null);
        services.AddAuthorizationBuilder();
        services.Configure<AuthorizationOptions>(options => options.AddApiKeyPolicies());
        services.AddSingleton<IAuthorizationHandler, PermissionAuthorizationHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ApiAuthorizationResultHandler>();
        services.AddProblemDetails();
        return builder;
    }
}
