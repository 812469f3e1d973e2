namespace Memsolus.Dashboard.Admin;

internal sealed record AdminKeyPage(IReadOnlyList<AdminKeyRow> Rows, int Total);
