namespace Memsolus.Dashboard.Admin;

internal static class AdminExtensions
{
    public static WebApplicationBuilder AddAdmin(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AdminApiKeyStore>();
        builder.Services.AddSingleton<AdminTwoFactor>();
        return builder;
    }
}
