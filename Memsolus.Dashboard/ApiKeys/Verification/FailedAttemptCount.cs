namespace Memsolus.Dashboard.ApiKeys.Verification;

// Failed key checks from one client in one aligned window (FailedAttemptLimiter.SharedWindowStart),
// added up across every node that saw them.
internal sealed class FailedAttemptCount
{
    // The limiter's client key (an IPv4 address or an IPv6 /64) as 16 big-endian bytes.
    public required byte[] Client { get; set; }

    public DateTimeOffset WindowStart { get; set; }

    public int Failures { get; set; }
}
