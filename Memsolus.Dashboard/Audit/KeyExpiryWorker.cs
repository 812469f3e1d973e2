using Memsolus.Dashboard.Hosting;

namespace Memsolus.Dashboard.Audit;

// Records key.expired for keys whose time has come: at start, then every minute.
internal sealed class KeyExpiryWorker(KeyExpiryRunner runner, TimeProvider clock, ILogger<KeyExpiryWorker> logger)
    : BackgroundWorker(clock, logger)
{
    protected override TimeSpan? Interval => TimeSpan.FromMinutes(1);

    protected override Task RunRoundAsync(CancellationToken cancellationToken) => runner.RecordExpiredAsync(cancellationToken);
}
