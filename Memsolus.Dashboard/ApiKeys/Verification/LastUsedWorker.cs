using Memsolus.Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.ApiKeys.Verification;

// Writes the last-used times requests noted in memory: every LastUsedFlushInterval, and a final
// time when the host stops so that none are lost with the process.
internal sealed class LastUsedWorker(
    LastUsedRecorder recorder,
    IOptions<ApiKeyVerificationOptions> options,
    TimeProvider clock,
    ILogger<LastUsedWorker> logger) : BackgroundWorker(clock, logger)
{
    protected override TimeSpan? Interval => options.Value.LastUsedFlushInterval;

    // Nothing has been noted yet at start.
    protected override bool RunsAtStart => false;

    protected override Task RunRoundAsync(CancellationToken cancellationToken) => recorder.FlushAsync(cancellationToken);

    protected override Task RunFinalRoundAsync() => recorder.FlushAsync(CancellationToken.None);
}
