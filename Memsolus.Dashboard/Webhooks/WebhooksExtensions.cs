namespace Memsolus.Dashboard.Webhooks;

internal static class WebhooksExtensions
{
    public static WebApplicationBuilder AddWebhooks(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebhooksOptions>()
            .BindConfiguration(WebhooksOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<WebhookSecrets>();
        builder.Services.AddSingleton<WebhookStore>();
        builder.Services.AddSingleton<WebhookDeliveryQueue>();
        builder.Services.AddSingleton<WebhookDeliveryRunner>();
        builder.Services.AddSingleton<IWebhookEvents, WebhookEvents>();
        builder.Services.AddHostedService<WebhookDeliveryWorker>();
        return builder;
    }
}
