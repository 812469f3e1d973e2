namespace Memsolus.Dashboard.Usage;

internal sealed record KeyUsage(Guid KeyId, string Name, string DisplayKey, string Environment, long Total, IReadOnlyList<DayUsage> Days);
