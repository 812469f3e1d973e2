using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Outbound;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Webhooks;

// Sends due deliveries: signs the stored body, POSTs it through the "outbound" client (which
// refuses private addresses unless configured otherwise), records the attempt and schedules the
// retry. With several nodes on one database each node first claims the deliveries it sends
// (QueueLease: a conditional update only one node's can win), so each attempt goes out once; a
// node that dies leaves its claims to run out (Webhooks:LeaseDuration), then another node sends
// them. At least once: a delivery whose result could not be recorded is sent again, so receivers
// deduplicate by the event id in the body.
internal sealed partial class WebhookDeliveryRunner(
    IDbContextFactory<ApplicationDbContext> contextFactory,
    IHttpClientFactory httpClientFactory,
    WebhookSecrets secrets,
    IOptions<WebhooksOptions> options,
    IOptions<OutboundOptions> outboundOptions,
    LeaseNode node,
    TimeProvider clock,
    ILogger<WebhookDeliveryRunner> logger)
{
    // One run at a time in this process, so once a caller's RunOnceAsync returns, every delivery
    // that was due has been tried (the tests rely on it); other nodes are kept off by the leases.
    private readonly SemaphoreSlim runLock = new(1, 1);

    // Sends up to one batch of due deliveries and returns how many were due.
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        await runLock.WaitAsync(cancellationToken);
        try
        {
            var settings = options.Value;
            var now = clock.GetUtcNow();
            List<DueDelivery> due;
            var sending = new List<DueDelivery>();
            await using (var db = await contextFactory.CreateDbContextAsync(cancellationToken))
            {
                due = await Due(db.WebhookDeliveries.AsNoTracking(), now)
                    .OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Sequence)
                    .Take(settings.BatchSize)
                    .Join(db.Webhooks, d => d.WebhookSequence, w => w.Sequence, (d, w) =>
                        new DueDelivery(d.Sequence, d.Id, d.AttemptCount, d.Payload, w.Url, w.Enabled, w.ProtectedSecret))
                    .ToListAsync(cancellationToken);

                // A disabled webhook gets nothing, not even what was queued before it was disabled.
                var disabled = due.Where(d => !d.Enabled).Select(d => d.Sequence).ToList();
                if (disabled.Count > 0)
                {
                    await Due(db.WebhookDeliveries, now)
                        .Where(d => disabled.Contains(d.Sequence))
                        .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, WebhookDeliveryStatus.Canceled).SetProperty(d => d.NextAttemptAt, (DateTimeOffset?)null), cancellationToken);
                }

                // One conditional update per delivery, so two nodes' claims never wait on each
                // other's locks in opposite orders (a deadlock on PostgreSQL). Matching the attempt
                // count too: what was read is what is sent.
                var until = now + settings.LeaseDuration;
                foreach (var delivery in due.Where(d => d.Enabled))
                {
                    var claimed = await Due(db.WebhookDeliveries, now)
                        .Where(d => d.Sequence == delivery.Sequence && d.AttemptCount == delivery.AttemptCount)
                        .ExecuteUpdateAsync(s => s.Lease(node.Id, until), cancellationToken);
                    if (claimed == 1)
                    {
                        sending.Add(delivery);
                    }
                }
            }

            var results = new AttemptResult[sending.Count];
            try
            {
                await Parallel.ForEachAsync(
                    Enumerable.Range(0, sending.Count),
                    new ParallelOptions { MaxDegreeOfParallelism = settings.MaxParallelDeliveries, CancellationToken = cancellationToken },
                    async (i, token) => results[i] = await SendAsync(sending[i], token));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Shutting down: hand the deliveries back now rather than when the lease runs out.
                await ReleaseAsync(sending);
                throw;
            }

            // Recorded one after another: SQLite takes one writer at a time anyway.
            foreach (var result in results)
            {
                await RecordAsync(result, cancellationToken);
            }

            return due.Count;
        }
        finally
        {
            runLock.Release();
        }
    }

    // Pending, its time come, and nobody's lease on it, or only one that has run out.
    private static IQueryable<WebhookDelivery> Due(IQueryable<WebhookDelivery> deliveries, DateTimeOffset now) =>
        deliveries.Where(d => d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now).Free(now);

    private async Task ReleaseAsync(List<DueDelivery> claimed)
    {
        try
        {
            var sequences = claimed.Select(d => d.Sequence).ToList();
            await using var db = await contextFactory.CreateDbContextAsync(CancellationToken.None);
            await db.WebhookDeliveries
                .Where(d => sequences.Contains(d.Sequence) && d.Status == WebhookDeliveryStatus.Pending)
                .HeldBy(node.Id)
                .ExecuteUpdateAsync(s => s.Unlease(), CancellationToken.None);
        }
        catch (Exception exception)
        {
            // The leases run out on their own; the deliveries are only later, never lost.
            LogReleaseFailed(logger, exception, claimed.Count);
        }
    }

    private async Task<AttemptResult> SendAsync(DueDelivery delivery, CancellationToken cancellationToken)
    {
        var attempt = delivery.AttemptCount + 1;
        var attemptedAt = clock.GetUtcNow();
        var started = clock.GetTimestamp();
        int? statusCode = null;
        string? error;
        try
        {
            var body = Encoding.UTF8.GetBytes(delivery.Payload);
            var secret = secrets.Unprotect(delivery.ProtectedSecret);
            using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.TryAddWithoutValidation(WebhookSignature.HeaderName, WebhookSignature.HeaderValue(secret, attemptedAt.ToUnixTimeSeconds(), body));
            using var client = httpClientFactory.CreateClient(OutboundHttp.WebhookClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            statusCode = (int)response.StatusCode;
            error = response.IsSuccessStatusCode ? null
                : statusCode is >= 300 and < 400 ? $"The endpoint answered {statusCode} {response.ReasonPhrase}; redirects are not followed, so set the webhook's URL to where it points."
                : $"The endpoint answered {statusCode} {response.ReasonPhrase}.";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient's own timeout; a shutdown (our token) propagates and nothing is recorded.
            error = $"No answer within {outboundOptions.Value.Timeout.TotalSeconds:0.#} s.";
        }
        catch (CryptographicException)
        {
            error = "The signing secret could not be decrypted (the data-protection key ring has changed); delete the webhook and create it again.";
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            error = Describe(exception);
        }

        var durationMs = (long)Math.Round(clock.GetElapsedTime(started).TotalMilliseconds);
        LogAttempt(logger, delivery.Id, attempt, statusCode, durationMs);
        return new AttemptResult(delivery.Sequence, attempt, attemptedAt, statusCode, durationMs, error);
    }

    private async Task RecordAsync(AttemptResult result, CancellationToken cancellationToken)
    {
        var succeeded = result.StatusCode is >= 200 and < 300;
        var retryIn = succeeded ? null : WebhookRetryPolicy.DelayAfter(result.Attempt);
        var nextAt = retryIn is { } delay ? clock.GetUtcNow() + delay : (DateTimeOffset?)null;
        var status = succeeded ? WebhookDeliveryStatus.Succeeded
            : nextAt is null ? WebhookDeliveryStatus.Failed
            : WebhookDeliveryStatus.Pending;
        try
        {
            await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // Matching the attempt count and the lease too makes recording the same attempt twice impossible.
            var updated = await db.WebhookDeliveries
                .Where(d => d.Sequence == result.DeliverySequence && d.Status == WebhookDeliveryStatus.Pending && d.AttemptCount == result.Attempt - 1)
                .HeldBy(node.Id)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(d => d.Status, status).SetProperty(d => d.AttemptCount, result.Attempt).SetProperty(d => d.NextAttemptAt, nextAt).Unlease(),
                    cancellationToken);
            if (updated == 0)
            {
                // The webhook (and so the delivery) was deleted while the request was out, or this
                // node's lease ran out and another node has taken the delivery up.
                return;
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
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogRecordFailed(logger, exception, result.DeliverySequence, result.Attempt);
        }
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

    private sealed record DueDelivery(long Sequence, Guid Id, int AttemptCount, string Payload, string Url, bool Enabled, string ProtectedSecret);

    private sealed record AttemptResult(long DeliverySequence, int Attempt, DateTimeOffset AttemptedAt, int? StatusCode, long DurationMs, string? Error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook delivery {DeliveryId} attempt {Attempt}: status {StatusCode} in {DurationMs} ms")]
    private static partial void LogAttempt(ILogger logger, Guid deliveryId, int attempt, int? statusCode, long durationMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not hand {Count} webhook deliveries back at shutdown; they are sent once their lease runs out")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record attempt {Attempt} of webhook delivery {DeliverySequence}; it will be sent again")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, long deliverySequence, int attempt);
}
