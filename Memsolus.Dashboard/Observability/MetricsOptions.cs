namespace Memsolus.Dashboard.Observability;

// Metrics:* — whether /metrics serves the app's metrics in Prometheus text format, to signed-in
// administrators only (docs/configuration.md).
internal sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    public bool Prometheus { get; set; }
}
