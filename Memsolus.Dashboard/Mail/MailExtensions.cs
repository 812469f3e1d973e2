using Memsolus.Dashboard.Hosting;

namespace Memsolus.Dashboard.Mail;

internal static class MailExtensions
{
    public static WebApplicationBuilder AddMail(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<MailOptions>(MailOptions.SectionName);
        builder.Services.AddSingleton<MailQueue>();
        builder.Services.AddSingleton<MailOutbox>();
        builder.Services.AddSingleton<MailTransport>();
        builder.Services.AddSingleton<MailMetrics>();
        builder.Services.AddSingleton<MailDeliveryRunner>();
        builder.Services.AddHostedService<MailDeliveryWorker>();
        return builder;
    }
}
