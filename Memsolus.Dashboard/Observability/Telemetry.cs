using System.Diagnostics;

namespace Memsolus.Dashboard.Observability;

// The names the app's own telemetry goes by (docs/configuration.md, "Metrics and traces"). One meter,
// made by each app's IMeterFactory (so a test host's measurements stay its own), and one activity
// source for the background jobs' traces. An activity source has no factory: a static one costs
// nothing while nothing listens (StartActivity returns null).
internal static class Telemetry
{
    public const string MeterName = "Memsolus.Dashboard";

    public const string ActivitySourceName = "Memsolus.Dashboard";

    public static readonly ActivitySource ActivitySource = new(ActivitySourceName);
}
