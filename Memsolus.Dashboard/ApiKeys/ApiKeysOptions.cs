using System.ComponentModel.DataAnnotations;

namespace Memsolus.Dashboard.ApiKeys;

internal sealed class ApiKeysOptions
{
    public const string SectionName = "ApiKeys";

    [Range(1, 10_000)]
    public int MaxActivePerAccount { get; set; } = 50;

    // A key this close to its expiry shows as "Expires soon".
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan ExpiresSoonWindow { get; set; } = TimeSpan.FromDays(7);
}
