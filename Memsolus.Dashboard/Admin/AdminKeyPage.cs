namespace Memsolus.Dashboard.Admin;

public sealed record AdminKeyPage(IReadOnlyList<AdminKeyRow> Rows, int Total);
