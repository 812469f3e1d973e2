namespace Memsolus.Dashboard.Usage;

public sealed record DayUsage(DateOnly Date, long Total, IReadOnlyDictionary<string, long> Outcomes);
