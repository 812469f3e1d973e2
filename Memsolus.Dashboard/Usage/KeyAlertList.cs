namespace Memsolus.Dashboard.Usage;

internal sealed record KeyAlertList(IReadOnlyList<KeyAlert> Data);
