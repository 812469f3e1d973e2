using System.Diagnostics.Metrics;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Observability;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Webhooks;

// Webhook deliveries' instruments (docs/configuration.md, "Metrics and traces"): each attempt by
// outcome, how long the receiver took, and how many deliveries wait. Tags are closed sets: never
// the webhook's URL, its owner or the receiver's status text.
internal sealed class WebhookMetrics
{
    public const string DeliveriesName = "memsolus.webhook.deliveries";
    public const string DurationName = "memsolus.webhook.delivery.duration";
    public const string PendingName = "memsolus.webhook.deliveries.pending";

    // The receiver answered 2xx; answered something else; did not answer in time; could not be
    // reached or signed for (refused address, connection error, undecryptable secret).
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Timeout = "timeout";
    public const string Error = "error";

    private readonly Counter<long> deliveries;
    private readonly Histogram<double> duration;

    public WebhookMetrics(IMeterFactory meterFactory, IDbContextFactory<ApplicationDbContext> contextFactory, ILogger<WebhookMetrics> logger)
    {
        var meter = meterFactory.Create(Telemetry.MeterName);
        deliveries = meter.CreateCounter<long>(DeliveriesName, "{attempt}", "Webhook delivery attempts by outcome (succeeded, failed, timeout, error).");
        duration = meter.CreateHistogram<double>(DurationName, "s", "How long a webhook delivery attempt took, from sending the request to its answer or failure, by outcome.");
        // Read when a reader collects (a scrape, an OTLP export), never on a request.
        meter.CreateObservableGauge(PendingName, () => QueueDepth.Count(contextFactory, logger, PendingName, db => db.WebhookDeliveries.Count(d => d.Status == WebhookDeliveryStatus.Pending)),
            "{delivery}", "Webhook deliveries waiting for their first attempt or a retry.");
    }

    public void Attempted(string outcome, TimeSpan elapsed)
    {
        var tag = new KeyValuePair<string, object?>("outcome", outcome);
        deliveries.Add(1, tag);
        duration.Record(elapsed.TotalSeconds, tag);
    }
}
