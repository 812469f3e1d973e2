using System.ComponentModel.DataAnnotations;

namespace Memsolus.Dashboard.Usage;

// Usage:* — how often the request counters are written, and how long they are kept.
internal sealed class UsageOptions
{
    public const string SectionName = "Usage";

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(30);

    // Counters older than this are deleted, once a day. The dashboard shows 30 days.
    [Range(typeof(TimeSpan), "31.00:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);
}
