namespace Memsolus.Dashboard.Usage;

// From and To are UTC days, both included; every key has one entry per day, zeros included,
// and every day every outcome (UsageOutcomes.All).
internal sealed record UsageReport(DateOnly From, DateOnly To, IReadOnlyList<KeyUsage> Keys);
