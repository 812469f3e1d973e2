using Memsolus.Dashboard.Hosting;

namespace Memsolus.Dashboard.Usage;

internal static class UsageExtensions
{
    public static WebApplicationBuilder AddUsage(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<UsageOptions>(UsageOptions.SectionName);
        builder.Services.AddValidatedOptions<KeyAlertOptions>(KeyAlertOptions.SectionName);
        builder.Services.AddSingleton<RequestCountRecorder>();
        builder.Services.AddHostedService<RequestCountWorker>();
        builder.Services.AddSingleton<UsageStore>();
        builder.Services.AddSingleton<KeyAlertStore>();
        return builder;
    }
}
