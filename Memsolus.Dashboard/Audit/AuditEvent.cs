namespace Memsolus.Dashboard.Audit;

// One row per thing that happened to a key. Append-only: ApplicationDbContext refuses to save an
// update or a delete of one, so no code path can rewrite history.
internal sealed class AuditEvent
{
    public long Id { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    public required string EventType { get; set; }

    // The account whose key this is: owners see the events of their own keys.
    public required string OwnerId { get; set; }

    public string? ActorId { get; set; }

    public string? ActorName { get; set; }

    public Guid? KeyId { get; set; }

    public string? KeyName { get; set; }

    public string? KeyDisplay { get; set; }

    // JSON: what changed (fields from/to, permissions added/removed, reason, grace period).
    public string? Details { get; set; }

    public string? ClientIp { get; set; }

    public string? UserAgent { get; set; }
}
