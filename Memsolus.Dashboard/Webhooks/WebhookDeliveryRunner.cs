using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Observability;
using Memsolus.Dashboard.Outbound;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Webhooks;

// Sends due deliveries: signs the stored body, POSTs it through the "outbound" client (which
// refuses private addresses unless configured otherwise), records the attempt and schedules the
// retry. With several nodes on one database each node first claims a batch of deliveries in one
// statement (WebhookDeliveryClaim: QueueLease's conditional update, which only one node's can win),
// so each attempt goes out once; a node that dies leaves its claims to run out
// (Webhooks:LeaseDuration), then another node sends them. Results are recorded as the requests
// return, several to a transaction. At least once: a delivery whose result could not be recorded
// is sent again, so receivers deduplicate by the event id in the body.
internal sealed partial class WebhookDeliveryRunner(
    IDbContextFactory<ApplicationDbContext> contextFactory,
    IHttpClientFactory httpClientFactory,
    WebhookSecrets secrets,
    IOptions<WebhooksOptions> options,
    IOptions<OutboundOptions> outboundOptions,
    LeaseNode node,
    WebhookMetrics metrics,
    TimeProvider clock,
    ILogger<WebhookDeliveryRunner> logger)
{
    // The trace of one attempt; the outbound HttpClient's span is its child.
    public const string ActivityName = "webhook.deliver";

    // One run at a time in this process, so once a caller's RunOnceAsync returns, every delivery
    // that was due has been tried and its attempt recorded (the tests rely on it); other nodes are
    // kept off by the leases.
    private readonly SemaphoreSlim runLock = new(1, 1);

    // Claims up to one batch of due deliveries, sends them and returns how many were claimed.
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        await runLock.WaitAsync(cancellationToken);
        try
        {
            var settings = options.Value;
            var sending = await ClaimAsync(settings, cancellationToken);
            if (sending.Count == 0)
            {
                return 0;
            }

            // Each result is recorded as soon as its POST has returned, not after the whole batch:
            // a single recorder writes whatever has arrived in one transaction while the other
            // requests are still out.
            var results = Channel.CreateUnbounded<AttemptResult>(new UnboundedChannelOptions { SingleReader = true });
            var recorder = RecordAllAsync(results.Reader);
            try
            {
                await Parallel.ForEachAsync(
                    sending.Where(d => d.Webhook.Enabled),
                    new ParallelOptions { MaxDegreeOfParallelism = settings.MaxParallelDeliveries, CancellationToken = cancellationToken },
                    async (delivery, token) => results.Writer.TryWrite(await SendAsync(delivery, token)));
            }
            finally
            {
                results.Writer.Complete();
                await recorder;
            }

            return sending.Count;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: hand back what was claimed and not recorded now rather than when the
            // lease runs out (what was recorded is no longer held, so it is left as it is).
            await ReleaseAsync();
            throw;
        }
        finally
        {
            runLock.Release();
        }
    }

    // One statement claims the batch (WebhookDeliveryClaim); then the webhooks' addresses and
    // secrets are read, and the deliveries of a disabled webhook are canceled: it gets nothing,
    // not even what was queued before it was disabled.
    private async Task<List<DueDelivery>> ClaimAsync(WebhooksOptions settings, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var claimed = await WebhookDeliveryClaim.ClaimAsync(db, node.Id, now, now + settings.LeaseDuration, settings.BatchSize, cancellationToken);
        if (claimed.Count == 0)
        {
            return [];
        }

        var webhookSequences = claimed.Select(d => d.WebhookSequence).Distinct().ToList();
        var webhooks = await db.Webhooks.AsNoTracking()
            .Where(w => webhookSequences.Contains(w.Sequence))
            .Select(w => new DueWebhook(w.Sequence, w.Url, w.Enabled, w.ProtectedSecret, w.PreviousProtectedSecret, w.PreviousSecretExpiresAt))
            .ToDictionaryAsync(w => w.Sequence, cancellationToken);

        // A delivery whose webhook is gone was deleted with it (cascade) since the claim.
        var due = claimed.Where(d => webhooks.ContainsKey(d.WebhookSequence)).Select(d => new DueDelivery(d, webhooks[d.WebhookSequence])).ToList();
        var disabled = due.Where(d => !d.Webhook.Enabled).Select(d => d.Claimed.Sequence).ToList();
        if (disabled.Count > 0)
        {
            await db.WebhookDeliveries
                .Where(d => disabled.Contains(d.Sequence) && d.Status == WebhookDeliveryStatus.Pending)
                .HeldBy(node.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, WebhookDeliveryStatus.Canceled).SetProperty(d => d.NextAttemptAt, (DateTimeOffset?)null).Unlease(), cancellationToken);
        }

        return due;
    }

    // Hands back every pending delivery this node still holds: with one run at a time, those are
    // the ones this run claimed and has not recorded.
    private async Task ReleaseAsync()
    {
        try
        {
            await using var db = await contextFactory.CreateDbContextAsync(CancellationToken.None);
            await db.WebhookDeliveries
                .Where(d => d.Status == WebhookDeliveryStatus.Pending)
                .HeldBy(node.Id)
                .ExecuteUpdateAsync(s => s.Unlease(), CancellationToken.None);
        }
        catch (Exception exception)
        {
            // The leases run out on their own; the deliveries are only later, never lost.
            LogReleaseFailed(logger, exception);
        }
    }

    private async Task<AttemptResult> SendAsync(DueDelivery delivery, CancellationToken cancellationToken)
    {
        var attempt = delivery.Claimed.AttemptCount + 1;
        using var activity = Telemetry.ActivitySource.StartActivity(ActivityName, ActivityKind.Internal);
        activity?.SetTag("memsolus.webhook.delivery.id", delivery.Claimed.Id);
        activity?.SetTag("memsolus.webhook.attempt", attempt);
        var attemptedAt = clock.GetUtcNow();
        var started = clock.GetTimestamp();
        int? statusCode = null;
        string? error;
        var outcome = WebhookMetrics.Error;
        try
        {
            var body = Encoding.UTF8.GetBytes(delivery.Claimed.Payload);
            var signingSecrets = SigningSecrets(delivery.Webhook, attemptedAt);
            using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Webhook.Url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.TryAddWithoutValidation(WebhookSignature.HeaderName, WebhookSignature.HeaderValue(attemptedAt.ToUnixTimeSeconds(), body, signingSecrets));
            using var client = httpClientFactory.CreateClient(OutboundHttp.WebhookClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            statusCode = (int)response.StatusCode;
            outcome = response.IsSuccessStatusCode ? WebhookMetrics.Succeeded : WebhookMetrics.Failed;
            error = response.IsSuccessStatusCode ? null
                : statusCode is >= 300 and < 400 ? $"The endpoint answered {statusCode} {response.ReasonPhrase}; redirects are not followed, so set the webhook's URL to where it points."
                : $"The endpoint answered {statusCode} {response.ReasonPhrase}.";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient's own timeout; a shutdown (our token) propagates and nothing is recorded.
            outcome = WebhookMetrics.Timeout;
            error = $"No answer within {outboundOptions.Value.Timeout.TotalSeconds:0.#} s.";
        }
        catch (CryptographicException)
        {
            error = "The signing secret could not be decrypted (the data-protection key ring has changed); roll the webhook's secret, or delete the webhook and create it again.";
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            error = Describe(exception);
        }

        var elapsed = clock.GetElapsedTime(started);
        var durationMs = (long)Math.Round(elapsed.TotalMilliseconds);
        metrics.Attempted(outcome, elapsed);
        activity?.SetTag("memsolus.webhook.outcome", outcome);
        if (outcome != WebhookMetrics.Succeeded)
        {
            activity?.SetStatus(ActivityStatusCode.Error);
        }

        LogAttempt(logger, delivery.Claimed.Id, attempt, statusCode, durationMs);
        return new AttemptResult(delivery.Claimed.Sequence, attempt, attemptedAt, statusCode, durationMs, error);
    }

    // The current secret, then the rolled-away one while it still signs at the attempt's time
    // (every attempt: new deliveries, retries, redeliveries and pings alike).
    private List<string> SigningSecrets(DueWebhook webhook, DateTimeOffset attemptedAt)
    {
        var signing = new List<string>(2) { secrets.Unprotect(webhook.ProtectedSecret) };
        if (webhook.PreviousProtectedSecret is { } previous && webhook.PreviousSecretExpiresAt > attemptedAt)
        {
            signing.Add(secrets.Unprotect(previous));
        }

        return signing;
    }

    // Drains the results as the requests return: each pass writes everything that has arrived in
    // one transaction. It runs until the run's requests are all back, and records even while
    // shutting down (CancellationToken.None), so that a sent attempt is not sent again needlessly.
    private async Task RecordAllAsync(ChannelReader<AttemptResult> results)
    {
        var batch = new List<AttemptResult>();
        while (await results.WaitToReadAsync(CancellationToken.None))
        {
            while (results.TryRead(out var result))
            {
                batch.Add(result);
            }

            try
            {
                await RecordAsync(batch);
            }
            catch (Exception exception) when (batch.Count > 1)
            {
                // One bad row must not cost the others their record (they would all be sent
                // again): each is tried alone. Should the failed transaction's commit have landed
                // after all, its rows no longer match the conditions, so nothing is written twice.
                LogBatchRecordFailed(logger, exception, batch.Count);
                foreach (var result in batch)
                {
                    await RecordAloneAsync(result);
                }
            }
            catch (Exception exception)
            {
                LogRecordFailed(logger, exception, batch[0].DeliverySequence, batch[0].Attempt);
            }

            batch.Clear();
        }
    }

    private async Task RecordAloneAsync(AttemptResult result)
    {
        try
        {
            await RecordAsync([result]);
        }
        catch (Exception exception)
        {
            LogRecordFailed(logger, exception, result.DeliverySequence, result.Attempt);
        }
    }

    // One transaction for the batch. A delivery whose result is not recorded stays leased to this
    // node and is sent again once the lease runs out (at least once).
    private async Task RecordAsync(List<AttemptResult> batch)
    {
        await using var db = await contextFactory.CreateDbContextAsync(CancellationToken.None);
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);

        // In the order of the rows, so two transactions never take row locks in opposite orders.
        foreach (var result in batch.OrderBy(r => r.DeliverySequence))
        {
            var succeeded = result.StatusCode is >= 200 and < 300;
            var retryIn = succeeded ? null : WebhookRetryPolicy.DelayAfter(result.Attempt);
            var nextAt = retryIn is { } delay ? clock.GetUtcNow() + delay : (DateTimeOffset?)null;
            var status = succeeded ? WebhookDeliveryStatus.Succeeded
                : nextAt is null ? WebhookDeliveryStatus.Failed
                : WebhookDeliveryStatus.Pending;

            // Matching the attempt count and the lease too makes recording the same attempt twice impossible.
            var updated = await db.WebhookDeliveries
                .Where(d => d.Sequence == result.DeliverySequence && d.Status == WebhookDeliveryStatus.Pending && d.AttemptCount == result.Attempt - 1)
                .HeldBy(node.Id)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(d => d.Status, status).SetProperty(d => d.AttemptCount, result.Attempt).SetProperty(d => d.NextAttemptAt, nextAt).Unlease(),
                    CancellationToken.None);
            if (updated == 0)
            {
                // The webhook (and so the delivery) was deleted while the request was out, or
                // this node's lease ran out and another node has taken the delivery up.
                continue;
            }

            db.WebhookDeliveryAttempts.Add(new WebhookDeliveryAttempt
            {
                DeliverySequence = result.DeliverySequence,
                Attempt = result.Attempt,
                AttemptedAt = result.AttemptedAt,
                StatusCode = result.StatusCode,
                DurationMs = result.DurationMs,
                Error = result.Error,
                NextRetryAt = nextAt,
            });
        }

        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
    }

    // What the customer sees on the attempt: the transport's own words, never a header or the secret.
    private static string Describe(Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is OutboundAddressRefusedException refused)
            {
                return Truncate($"Address refused: {refused.Message}");
            }
        }

        var text = exception.Message;
        if (exception.InnerException is { } cause && !text.Contains(cause.Message, StringComparison.Ordinal))
        {
            text = $"{text} {cause.Message}";
        }

        return Truncate(text);
    }

    private static string Truncate(string text) =>
        text.Length <= WebhookRetryPolicy.MaxErrorLength ? text : text[..(WebhookRetryPolicy.MaxErrorLength - 1)] + "…";

    private sealed record DueWebhook(long Sequence, string Url, bool Enabled, string ProtectedSecret, string? PreviousProtectedSecret, DateTimeOffset? PreviousSecretExpiresAt);

    private sealed record DueDelivery(ClaimedWebhookDelivery Claimed, DueWebhook Webhook);

    private sealed record AttemptResult(long DeliverySequence, int Attempt, DateTimeOffset AttemptedAt, int? StatusCode, long DurationMs, string? Error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook delivery {DeliveryId} attempt {Attempt}: status {StatusCode} in {DurationMs} ms")]
    private static partial void LogAttempt(ILogger logger, Guid deliveryId, int attempt, int? statusCode, long durationMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not hand this node's webhook deliveries back at shutdown; they are sent once their lease runs out")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record {Count} webhook attempts in one transaction; recording each alone")]
    private static partial void LogBatchRecordFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record attempt {Attempt} of webhook delivery {DeliverySequence}; it will be sent again")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, long deliverySequence, int attempt);
}
