using Memsolus.Dashboard.Hosting;

namespace Memsolus.Dashboard.ApiKeys;

internal static class ApiKeysExtensions
{
    public static WebApplicationBuilder AddApiKeys(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ApiKeysOptions>(ApiKeysOptions.SectionName);
        builder.Services.AddSingleton<ApiKeyStore>();
        return builder;
    }
}
