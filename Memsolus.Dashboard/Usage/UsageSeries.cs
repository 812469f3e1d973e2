namespace Memsolus.Dashboard.Usage;

internal sealed record UsageSeries(string Name, IReadOnlyList<long> Daily)
{
    public long Total => Daily.Sum();
}
