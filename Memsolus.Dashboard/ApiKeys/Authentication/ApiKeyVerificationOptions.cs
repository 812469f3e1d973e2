using System.ComponentModel.DataAnnotations;

namespace Memsolus.Dashboard.ApiKeys.Authentication;

// ApiKeys:Verification:* — limits on failed key checks and how "last used" is written.
public sealed class ApiKeyVerificationOptions
{
    public const string SectionName = "ApiKeys:Verification";

    // Failed key checks one client address may make per window before it gets 429.
    [Range(1, 1_000_000)]
    public int FailedAttemptLimit { get; set; } = 100;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan FailedAttemptWindow { get; set; } = TimeSpan.FromMinutes(1);

    // Client addresses the limiter remembers at once; its memory stays bounded by this.
    [Range(100, 10_000_000)]
    public int MaxTrackedClients { get; set; } = 50_000;

    // Whether nodes add up their failed checks in the database (FailedAttemptSync), so that a
    // client spreading its attempts over N nodes still gets FailedAttemptLimit, not N times it.
    // Unset means: yes on PostgreSQL (several nodes), no on SQLite (one node).
    public bool? ShareFailedAttempts { get; set; }

    // How often a node writes its new failures to the shared count and reads back who is over
    // the limit: the shared limit holds within about this long.
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan FailedAttemptSyncInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LastUsedFlushInterval { get; set; } = TimeSpan.FromSeconds(30);

    // How long a verified key may be answered from memory. Every change made through this app
    // removes the key at once; the lifetime bounds how long a change made elsewhere (another
    // node, a hand-written SQL update) can go unseen. Zero turns the cache off.
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan CacheLifetime { get; set; } = TimeSpan.FromSeconds(60);

    // Keys held in memory at once (a few hundred bytes each).
    [Range(1, 10_000_000)]
    public int MaxCachedKeys { get; set; } = 100_000;
}
