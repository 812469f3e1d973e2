using System.ComponentModel.DataAnnotations;

namespace Memsolus.Dashboard.Usage;

// Usage:Alerts:* — when a key's hygiene earns an alert. "Expiring soon" follows
// ApiKeys:ExpiresSoonWindow, so the alert and the key's "Expires soon" status agree.
internal sealed class KeyAlertOptions
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
