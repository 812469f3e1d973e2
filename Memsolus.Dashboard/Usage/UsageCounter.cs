namespace Memsolus.Dashboard.Usage;

// How many requests one key made in one UTC hour to one endpoint group, with one outcome.
// Written in batches by RequestCountRecorder, never once per request.
internal sealed class UsageCounter
{
    public long Id { get; set; }

    public Guid KeyId { get; set; }

    // The key's owner, kept beside the key so an account's usage is read off one index.
    public required string OwnerId { get; set; }

    public DateTimeOffset HourStart { get; set; }

    public required string Group { get; set; }

    public required string Outcome { get; set; }

    public long Count { get; set; }
}
