namespace Memsolus.Dashboard.Usage;

public sealed record KeyUsage(Guid KeyId, string Name, string DisplayKey, string Environment, long Total, IReadOnlyList<DayUsage> Days);
