using Memsolus.Dashboard.Hosting;

namespace Memsolus.Dashboard.Notifications;

// Sends key expiry reminders that have fallen due: at start, then every hour, so a reminder goes
// out within an hour of its threshold.
internal sealed class KeyExpiryReminderWorker(KeyExpiryReminderRunner runner, TimeProvider clock, ILogger<KeyExpiryReminderWorker> logger)
    : BackgroundWorker(clock, logger)
{
    protected override TimeSpan? Interval => TimeSpan.FromHours(1);

    protected override Task RunRoundAsync(CancellationToken cancellationToken) => runner.RunOnceAsync(cancellationToken);
}
