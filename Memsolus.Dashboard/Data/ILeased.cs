namespace Memsolus.Dashboard.Data;

// A row of a background queue that a node claims before working it (QueueLease): who holds it and
// until when. Null, or a time that has passed: any node may take it.
internal interface ILeased
{
    string? LeasedBy { get; set; }

    DateTimeOffset? LeasedUntil { get; set; }
}
