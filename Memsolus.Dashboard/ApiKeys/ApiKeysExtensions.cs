using Memsolus.Dashboard.Hosting;

namespace Memsolus.Dashboard.ApiKeys;

internal static class ApiKeysExtensions
{
    public static WebApplicationBuilder AddApiKeys(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ApiKeysOptions>(ApiKeysOptions.SectionName);
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddSingleton<FirstUseRetirement>();
        builder.Services.AddSingleton<ApiKeyNameRepairInitializer>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ApiKeyNameRepairInitializer>());
        return builder;
    }
}
