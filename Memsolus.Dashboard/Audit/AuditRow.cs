namespace Memsolus.Dashboard.Audit;

public sealed record AuditRow(
    long Id,
    DateTimeOffset OccurredAt,
    string EventType,
    string? ActorName,
    string OwnerId,
    string? OwnerEmail,
    Guid? KeyId,
    string? KeyName,
    string? KeyDisplay,
    string? Details,
    string? ClientIp,
    string? UserAgent);
