namespace Memsolus.Dashboard.Usage;

public sealed record KeyAlertList(IReadOnlyList<KeyAlert> Data);
