namespace Memsolus.Dashboard.ApiKeys.Verification;

// Requests one rate-limited key made in one aligned minute (RequestRateLimiter.SharedWindowStart),
// added up across every node that admitted them (RequestRateSyncWorker).
internal sealed class RateLimitCount
{
    public Guid KeyId { get; set; }

    public DateTimeOffset WindowStart { get; set; }

    public int Requests { get; set; }
}
