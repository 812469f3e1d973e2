namespace Memsolus.Dashboard.Audit;

public sealed record AuditQuery(
    string? EventType = null,
    Guid? KeyId = null,
    DateOnly? From = null,
    DateOnly? To = null,
    int Page = 0,
    int PageSize = 25);
