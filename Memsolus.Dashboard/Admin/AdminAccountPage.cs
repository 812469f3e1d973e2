namespace Memsolus.Dashboard.Admin;

internal sealed record AdminAccountPage(IReadOnlyList<AdminAccountRow> Rows, int Total);
