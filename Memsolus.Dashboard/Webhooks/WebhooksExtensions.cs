using Memsolus.Dashboard.Hosting;

namespace Memsolus.Dashboard.Webhooks;

internal static class WebhooksExtensions
{
    public static WebApplicationBuilder AddWebhooks(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<WebhooksOptions>(WebhooksOptions.SectionName);
        builder.Services.AddSingleton<WebhookSecrets>();
        builder.Services.AddSingleton<WebhookStore>();
        builder.Services.AddSingleton<WebhookDeliveryQueue>();
        builder.Services.AddSingleton<WebhookMetrics>();
        builder.Services.AddSingleton<WebhookDeliveryRunner>();
        builder.Services.AddSingleton<IWebhookEvents, WebhookEvents>();
        builder.Services.AddHostedService<WebhookDeliveryWorker>();
        return builder;
    }
}
