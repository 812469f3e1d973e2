using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Memsolus.Dashboard.ApiKeys;

internal static class ApiKeysServiceCollectionExtensions
{
    public static WebApplicationBuilder AddApiKeys(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiKeysOptions>()
            .BindConfiguration(ApiKeysOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ApiKeyService>();
        builder.Services.AddSingleton<Admin.AdminApiKeyService>();
        builder.Services.AddSingleton<Audit.AuditLogService>();
        builder.Services.AddSingleton<Audit.KeyExpiryRecorder>();
        builder.Services.AddHostedService<Audit.KeyExpirySweeper>();
        return builder;
    }
}
