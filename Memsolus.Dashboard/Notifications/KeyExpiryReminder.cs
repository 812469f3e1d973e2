namespace Memsolus.Dashboard.Notifications;

// A reminder mail sent for a key at one threshold ("expires in 7 days", "tomorrow"). The primary
// key makes each reminder once per key and threshold, on every node.
internal sealed class KeyExpiryReminder
{
    public Guid ApiKeyId { get; set; }

    public int DaysBefore { get; set; }

    public DateTimeOffset SentAt { get; set; }
}
