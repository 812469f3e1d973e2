namespace Memsolus.Dashboard.Usage;

public sealed record UsageSeries(string Name, IReadOnlyList<long> Daily)
{
    public long Total => Daily.Sum();
}
