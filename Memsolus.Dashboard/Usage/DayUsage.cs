namespace Memsolus.Dashboard.Usage;

internal sealed record DayUsage(DateOnly Date, long Total, IReadOnlyDictionary<string, long> Outcomes);
