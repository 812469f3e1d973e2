namespace Memsolus.Dashboard.Usage;

internal static class UsageExtensions
{
    public static WebApplicationBuilder AddUsage(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<UsageOptions>()
            .BindConfiguration(UsageOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<KeyAlertOptions>()
            .BindConfiguration(KeyAlertOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<RequestCountRecorder>();
        builder.Services.AddHostedService<RequestCountWorker>();
        builder.Services.AddSingleton<UsageStore>();
        builder.Services.AddSingleton<KeyAlertStore>();
        return builder;
    }
}
