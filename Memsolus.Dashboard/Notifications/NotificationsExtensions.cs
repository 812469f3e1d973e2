using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Memsolus.Dashboard.Notifications;

internal static class NotificationsExtensions
{
    // What the mails say and when they are queued; Mail/ sends them.
    public static WebApplicationBuilder AddNotifications(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<PublicLinks>();
        services.AddSingleton<AccountMails>();
        // Identity's pages send through it (confirm, change address, reset password).
        services.AddSingleton<IEmailSender<ApplicationUser>>(provider => provider.GetRequiredService<AccountMails>());
        // Every context the factory creates saves through it (AddData adds each IInterceptor).
        services.AddSingleton<IInterceptor, SecurityNotices>();
        services.AddSingleton<KeyExpiryReminderRunner>();
        services.AddHostedService<KeyExpiryReminderWorker>();
        return builder;
    }
}
