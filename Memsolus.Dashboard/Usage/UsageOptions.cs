using System.ComponentModel.DataAnnotations;

namespace Memsolus.Dashboard.Usage;

// Usage:* — how often the request counters are written, and how long they are kept.
public sealed class UsageOptions
{
    public const string SectionName = "Usage";

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(30);

    // Counters older than this are deleted, once a day. The dashboard shows 30 days.
    [Range(typeof(TimeSpan), "31.00:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);
}

// Usage:Alerts:* — when a key's hygiene earns an alert. "Expiring soon" follows
// ApiKeys:ExpiresSoonWindow, so the alert and the key's "Expires soon" status agree.
public sealed class KeyHygieneOptions
{
    public const string SectionName = "Usage:Alerts";

    // A key never used this long after it was created was probably never needed.
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan NeverUsedAfter { get; set; } = TimeSpan.FromDays(7);

    [Range(typeof(TimeSpan), "1.00:00:00", "365.00:00:00")]
    public TimeSpan UnusedAfter { get; set; } = TimeSpan.FromDays(30);

    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan RotateAfter { get; set; } = TimeSpan.FromDays(90);

    // Refused requests (401 and 403) for one key, in the current and the previous UTC hour.
    [Range(1, 1_000_000)]
    public int FailureBurstThreshold { get; set; } = 20;
}
