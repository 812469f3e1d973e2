using System.Diagnostics;
using Memsolus.Dashboard.Observability;
using Memsolus.Dashboard.Tests.Webhooks;
using Memsolus.Dashboard.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Memsolus.Dashboard.Tests.Observability;

// Webhook deliveries' instruments (WebhookMetrics) and the trace of an attempt: a receiver that
// answers 500 and then 200 gives one failed and one succeeded attempt, each with its duration, the
// pending gauge counts the delivery until it has succeeded, and each attempt is an activity.
public abstract class WebhookMetricsTests(MemsolusAppFactory app)
{
    private static readonly TestHostOptions Host = new()
    {
        FakeClock = true,
        AllowPrivateNetworks = true,
        StoppedWorkers = [typeof(WebhookDeliveryWorker)],
    };

    [Fact]
    public async Task A_failed_and_a_succeeded_attempt_are_counted_timed_traced_and_the_delivery_is_pending_until_it_succeeds()
    {
        var factory = app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var deliveries = new MetricCollector<long>(factory, Telemetry.MeterName, WebhookMetrics.DeliveriesName);
        using var duration = new MetricCollector<double>(factory, Telemetry.MeterName, WebhookMetrics.DurationName);
        using var pending = new MetricCollector<long>(factory, Telemetry.MeterName, WebhookMetrics.PendingName);
        using var activities = new RecordedActivities();
        var runner = app.Services.GetRequiredService<WebhookDeliveryRunner>();
        await using var receiver = await WebhookReceiver.StartAsync(answers: [500]);
        var session = await app.NewSessionAsync();
        var webhook = await session.CreateWebhookAsync(receiver.UrlOf("/hooks/metrics"), ["memory.created"]);

        await session.CreateMemoryAsync("counted by the webhook metrics");
        Assert.Equal(1, Pending(pending));
        await runner.RunOnceAsync();

        Assert.Equal([WebhookMetrics.Failed], Outcomes(deliveries.GetMeasurementSnapshot()));
        Assert.Equal([WebhookMetrics.Failed], Outcomes(duration.GetMeasurementSnapshot()));
        Assert.All(duration.GetMeasurementSnapshot(), m => Assert.True(m.Value >= 0));
        Assert.Equal(1, Pending(pending));

        app.Clock.Advance(TimeSpan.FromSeconds(10));
        await runner.RunOnceAsync();

        Assert.Equal([WebhookMetrics.Failed, WebhookMetrics.Succeeded], Outcomes(deliveries.GetMeasurementSnapshot()));
        Assert.Equal([WebhookMetrics.Failed, WebhookMetrics.Succeeded], Outcomes(duration.GetMeasurementSnapshot()));
        Assert.Equal(0, Pending(pending));
        Assert.Equal(2, receiver.Requests.Count);

        var delivery = Assert.Single(await session.DeliveriesAsync(webhook)).Id();
        var traced = activities.Named(WebhookDeliveryRunner.ActivityName, "memsolus.webhook.delivery.id", delivery);
        Assert.Equal([1, 2], traced.Select(a => (int)a.GetTagItem("memsolus.webhook.attempt")!));
        Assert.Equal([ActivityStatusCode.Error, ActivityStatusCode.Unset], traced.Select(a => a.Status));
        // The webhook's address is the receiver's business: it is no tag of the app's own.
        Assert.All(traced, a => Assert.DoesNotContain(a.TagObjects, t => t.Value is string text && text.Contains("/hooks/metrics", StringComparison.Ordinal)));
    }

    private static List<string> Outcomes<T>(IReadOnlyList<CollectedMeasurement<T>> measurements)
        where T : struct =>
        measurements.Select(m => (string)m.Tags["outcome"]!).ToList();

    private static long Pending(MetricCollector<long> gauge)
    {
        gauge.RecordObservableInstruments();
        return gauge.LastMeasurement!.Value;
    }

    public sealed class OnSqlite(AppFixture<OnSqlite> fixture) : WebhookMetricsTests(fixture.App), IClassFixture<AppFixture<OnSqlite>>, ITestHost
    {
        public static TestHostOptions Options => Host;
    }

    public sealed class OnPostgres(AppFixture<OnPostgres> fixture) : WebhookMetricsTests(fixture.App), IClassFixture<AppFixture<OnPostgres>>, ITestHost
    {
        public static TestHostOptions Options => Host.OnPostgres();
    }
}
