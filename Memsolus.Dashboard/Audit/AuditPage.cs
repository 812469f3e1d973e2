namespace Memsolus.Dashboard.Audit;

public sealed record AuditPage(IReadOnlyList<AuditRow> Rows, int Total);
