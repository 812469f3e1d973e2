using System.Diagnostics;
using System.Diagnostics.Metrics;
using Memsolus.Dashboard.Exports;
using Memsolus.Dashboard.Ingestion;
using Memsolus.Dashboard.Mail;
using Memsolus.Dashboard.Observability;
using Memsolus.Dashboard.Tests.Exports;
using Memsolus.Dashboard.Tests.Ingestion;
using Memsolus.Dashboard.Tests.Mail;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Memsolus.Dashboard.Tests.Observability;

// The background jobs' instruments and traces: an export's and an import's run is timed under its
// outcome and traced as an activity, the queue gauges count what waits, and the mail outbox counts
// each delivery and what is pending. The workers are stopped: each test runs the rounds itself.
public abstract class JobMetricsTests(MemsolusAppFactory app)
{
    private static readonly TestHostOptions Host = new()
    {
        FakeClock = true,
        RecordWebhookEvents = true,
        StoppedWorkers = [typeof(ExportWorker), typeof(IngestWorker), typeof(MailDeliveryWorker)],
        // Files in a folder on both providers, so a file in its place can make an export fail.
        Settings = new Dictionary<string, string?> { ["Exports:Storage"] = "Directory" },
    };

    private IMeterFactory Meters => app.Services.GetRequiredService<IMeterFactory>();

    [Fact]
    public async Task An_export_waits_in_the_queue_gauge_then_its_run_is_timed_as_succeeded_and_traced()
    {
        using var duration = new MetricCollector<double>(Meters, Telemetry.MeterName, ExportMetrics.DurationName);
        using var queued = new MetricCollector<long>(Meters, Telemetry.MeterName, ExportMetrics.QueuedName);
        using var activities = new RecordedActivities();
        var runner = app.ExportRunner();
        var session = await app.NewSessionAsync();
        await session.CreateMemoryAsync("exported");
        var id = (await session.StartExportAsync()).Id();
        Assert.Equal(1, Gauge(queued));

        Assert.Equal(1, await runner.RunOnceAsync());

        var run = Assert.Single(duration.GetMeasurementSnapshot());
        Assert.Equal(ExportMetrics.Succeeded, run.Tags["outcome"]);
        Assert.True(run.Value >= 0);
        Assert.Equal(0, Gauge(queued));
        var traced = Assert.Single(activities.Named(ExportRunner.ActivityName, "memsolus.export.id", id));
        Assert.Equal(ExportMetrics.Succeeded, traced.GetTagItem("memsolus.export.outcome"));
        Assert.Equal(ActivityStatusCode.Unset, traced.Status);
    }

    [Fact]
    public async Task An_export_that_cannot_be_written_is_timed_as_failed()
    {
        using var duration = new MetricCollector<double>(Meters, Telemetry.MeterName, ExportMetrics.DurationName);
        using var activities = new RecordedActivities();
        var session = await app.NewSessionAsync();
        if (Directory.Exists(app.ExportsDirectory))
        {
            Directory.Delete(app.ExportsDirectory, recursive: true);
        }

        // A file where the exports directory should be: nothing can be written there.
        File.WriteAllText(app.ExportsDirectory, "in the way");
        try
        {
            var id = (await session.StartExportAsync()).Id();
            await app.ExportRunner().RunOnceAsync();

            Assert.Equal([ExportMetrics.Failed], duration.GetMeasurementSnapshot().Select(m => m.Tags["outcome"]));
            Assert.Equal(ActivityStatusCode.Error, Assert.Single(activities.Named(ExportRunner.ActivityName, "memsolus.export.id", id)).Status);
        }
        finally
        {
            File.Delete(app.ExportsDirectory);
        }
    }

    [Fact]
    public async Task An_import_waits_in_the_queue_gauge_then_its_run_is_timed_under_the_jobs_end_state_and_traced()
    {
        using var duration = new MetricCollector<double>(Meters, Telemetry.MeterName, IngestMetrics.DurationName);
        using var queued = new MetricCollector<long>(Meters, Telemetry.MeterName, IngestMetrics.QueuedName);
        using var activities = new RecordedActivities();
        var runner = app.Services.GetRequiredService<IngestRunner>();
        var session = await app.NewSessionAsync();
        using var submitted = await session.UploadAsync(("notes.md", "# Runbook\n\nRestart the worker."));
        var id = await IngestClient.AcceptedJobIdAsync(submitted);
        Assert.Equal(1, Gauge(queued));

        Assert.True(await runner.RunOnceAsync());

        var run = Assert.Single(duration.GetMeasurementSnapshot());
        Assert.Equal("succeeded", run.Tags["outcome"]);
        Assert.Equal(0, Gauge(queued));
        var traced = Assert.Single(activities.Named(IngestRunner.ActivityName, "memsolus.ingest.id", id));
        Assert.Equal("files", traced.GetTagItem("memsolus.ingest.kind"));
    }

    [Fact]
    public async Task A_queued_mail_is_pending_in_the_outbox_gauge_until_it_is_sent_and_counted()
    {
        using var deliveries = new MetricCollector<long>(Meters, Telemetry.MeterName, MailMetrics.DeliveriesName);
        using var pending = new MetricCollector<long>(Meters, Telemetry.MeterName, MailMetrics.PendingName);
        var runner = app.MailRunner();
        // The other tests' jobs may have queued their own notices.
        var before = Gauge(pending);
        await app.QueueMailAsync(QueuedMails.Confirmation("metrics@example.com"));
        Assert.Equal(before + 1, Gauge(pending));

        await runner.RunOnceAsync();

        var sent = deliveries.GetMeasurementSnapshot();
        Assert.Equal(before + 1, sent.Count);
        Assert.All(sent, m => Assert.Equal(MailMetrics.Sent, m.Tags["outcome"]));
        Assert.Equal(0, Gauge(pending));
    }

    // A gauge exists once its feature's runner does (its worker makes it at start-up); with the
    // workers stopped, each test resolves the runner before it reads the gauge.
    private static long Gauge(MetricCollector<long> gauge)
    {
        gauge.RecordObservableInstruments();
        return gauge.LastMeasurement!.Value;
    }

    public sealed class OnSqlite(AppFixture<OnSqlite> fixture) : JobMetricsTests(fixture.App), IClassFixture<AppFixture<OnSqlite>>, ITestHost
    {
        public static TestHostOptions Options => Host;
    }

    public sealed class OnPostgres(AppFixture<OnPostgres> fixture) : JobMetricsTests(fixture.App), IClassFixture<AppFixture<OnPostgres>>, ITestHost
    {
        public static TestHostOptions Options => Host.OnPostgres();
    }
}
