using System.Globalization;

namespace Memsolus.Dashboard.Usage;

// A usage report as the home page charts it: one label per day, one series per key or per
// outcome, each with its count per day. Series without requests are left out.
internal sealed record UsageChart(IReadOnlyList<string> Labels, IReadOnlyList<UsageSeries> Series)
{
    // More keys than this and the quietest are summed into "Other keys", so the chart stays legible.
    public const int MaxKeySeries = 8;

    public const string OtherKeys = "Other keys";

    public long Total => Series.Sum(s => s.Total);

    public static string OutcomeLabel(string outcome) => outcome switch
    {
        UsageOutcomes.Success => "Succeeded (2xx)",
        UsageOutcomes.Unauthorized => "401 Unauthorized",
        UsageOutcomes.Forbidden => "403 Forbidden",
        UsageOutcomes.TooManyRequests => "429 Too many requests",
        UsageOutcomes.OtherClientError => "Other 4xx",
        UsageOutcomes.ServerError => "5xx Server error",
        _ => outcome,
    };

    public static UsageChart ByKey(UsageReport report)
    {
        var used = report.Keys.Where(k => k.Total > 0).OrderByDescending(k => k.Total).ToList();
        var named = used.Count > MaxKeySeries ? used.Take(MaxKeySeries - 1).ToList() : used;

        // Names repeat after a rotation (and may between environments): the display form tells them apart.
        var repeated = named.GroupBy(k => k.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var series = named
            .Select(k => new UsageSeries(repeated.Contains(k.Name) ? $"{k.Name} ({k.DisplayKey})" : k.Name, k.Days.Select(d => d.Total).ToList()))
            .ToList();
        var rest = used.Skip(named.Count).ToList();
        if (rest.Count > 0)
        {
            series.Add(new UsageSeries(OtherKeys, Enumerable.Range(0, UsageStore.Days).Select(d => rest.Sum(k => k.Days[d].Total)).ToList()));
        }

        return new UsageChart(DayLabels(report), series);
    }

    public static UsageChart ByOutcome(UsageReport report)
    {
        var series = UsageOutcomes.All
            .Select(outcome => new UsageSeries(
                OutcomeLabel(outcome),
                Enumerable.Range(0, UsageStore.Days).Select(d => report.Keys.Sum(k => k.Days[d].Outcomes[outcome])).ToList()))
            .Where(s => s.Total > 0)
            .ToList();
        return new UsageChart(DayLabels(report), series);
    }

    private static List<string> DayLabels(UsageReport report) =>
        Enumerable.Range(0, UsageStore.Days)
            .Select(d => report.From.AddDays(d).ToString("MMM d", CultureInfo.InvariantCulture))
            .ToList();
}
