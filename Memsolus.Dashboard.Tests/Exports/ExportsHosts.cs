using Memsolus.Dashboard.Exports;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Exports;

// The apps the export suites run on: a fake clock, and the webhook events recorded. Every host has
// an exports folder of its own (MemsolusAppFactory.ExportsDirectory).
internal static class ExportsHosts
{
    // The real worker: a queued export is written as soon as it is posted, and a test waits for
    // its export.completed event, not for time.
    public static TestHostOptions Worker { get; } = new() { FakeClock = true, RecordWebhookEvents = true };

    // No worker: exports stay queued until the test runs each step of the runner itself, so every
    // state in between can be seen.
    public static TestHostOptions Manual { get; } = Worker with { StoppedWorkers = [typeof(ExportWorker)] };

    public static ExportRunner ExportRunner(this MemsolusAppFactory app) => app.Services.GetRequiredService<ExportRunner>();
}
