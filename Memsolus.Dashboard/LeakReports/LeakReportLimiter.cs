using System.Net;
using System.Threading.RateLimiting;
using Memsolus.Dashboard.ApiKeys.Verification;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.LeakReports;

// How many reports a client address may make through /leaks and /report-leak
// (LeakReports:ReportsPerWindow per ReportWindow), counted per node in memory. Addresses are
// counted as the failed-attempt limiter counts them (IPv6 per /64). Idle windows are dropped by
// the partitioned limiter itself, so a flood of addresses leaves nothing behind once it stops.
internal sealed class LeakReportLimiter(IOptions<LeakReportsOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<UInt128> limiter = PartitionedRateLimiter.Create<UInt128, UInt128>(client =>
        RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.ReportsPerWindow,
            Window = options.Value.ReportWindow,
            QueueLimit = 0,
        }));

    // True when the report may go ahead; otherwise how long the client should wait.
    public bool TryAcquire(IPAddress? address, out TimeSpan retryAfter)
    {
        var client = address is null ? UInt128.Zero : FailedAttemptLimiter.ClientKey(address);
        using var lease = limiter.AttemptAcquire(client);
        if (lease.IsAcquired)
        {
            retryAfter = TimeSpan.Zero;
            return true;
        }

        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : options.Value.ReportWindow;
        return false;
    }

    public void Dispose() => limiter.Dispose();
}
