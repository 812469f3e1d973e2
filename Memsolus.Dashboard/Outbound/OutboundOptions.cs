using System.ComponentModel.DataAnnotations;

namespace Memsolus.Dashboard.Outbound;

// Outbound:* — requests the app makes on a customer's behalf (URL ingestion, webhooks).
internal sealed class OutboundOptions
{
    public const string SectionName = "Outbound";

    // Off in production: loopback, private, link-local and metadata addresses are refused.
    // Tests turn it on to reach listeners on 127.0.0.1.
    public bool AllowPrivateNetworks { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    [Range(0, 10)]
    public int MaxRedirects { get; set; } = 3;
}
