using Memsolus.Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Mail;

// Sends queued mail at once when MailOutbox signals, and every Email:PollInterval the retries that
// have fallen due and mails whose lease another node left to run out. At start it first sends what
// the last run left Pending: the outbox is in the database, so a restart loses nothing.
internal sealed class MailDeliveryWorker(
    MailDeliveryRunner runner,
    MailQueue queue,
    IOptions<MailOptions> options,
    TimeProvider clock,
    ILogger<MailDeliveryWorker> logger) : BackgroundWorker(clock, logger, queue)
{
    // Bounds one round even if the same mails stayed due (their results could not be recorded).
    private const int MaxBatchesPerRound = 20;

    protected override TimeSpan? Interval => options.Value.PollInterval;

    protected override async Task RunRoundAsync(CancellationToken cancellationToken)
    {
        for (var batch = 0; batch < MaxBatchesPerRound; batch++)
        {
            if (await runner.RunOnceAsync(cancellationToken) < options.Value.BatchSize)
            {
                break;
            }
        }
    }
}
