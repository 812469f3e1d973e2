using System.ComponentModel.DataAnnotations;

namespace Memsolus.Dashboard.ApiKeys.Verification;

// ApiKeys:Verification:* — limits on failed key checks, how "last used" is written, and how long
// verified keys are cached and how other nodes hear of changes to them.
internal sealed class ApiKeyVerificationOptions
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

    // Whether nodes add up their failed checks in the database (FailedAttemptSyncWorker), so that a
    // client spreading its attempts over N nodes still gets FailedAttemptLimit, not N times it.
    // Unset means: yes on PostgreSQL (several nodes), no on SQLite (one node).
    public bool? ShareFailedAttempts { get; set; }

    // How often a node writes its new failures to the shared count and reads back who is over
    // the limit: the shared limit holds within about this long.
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan FailedAttemptSyncInterval { get; set; } = TimeSpan.FromSeconds(1);

    // Keys with a rate limit whose buckets one node holds at once (RequestRateLimiter); buckets
    // that are full again are swept first, so only this many keys busy at once could pass it.
    [Range(100, 10_000_000)]
    public int MaxRateLimitedKeys { get; set; } = 100_000;

    // Whether nodes add up rate-limited keys' requests in the database (RequestRateSyncWorker), so
    // that a key spread over N nodes gets its limit once, not N times. Unset means: yes on
    // PostgreSQL (several nodes), no on SQLite (one node).
    public bool? ShareRequestRates { get; set; }

    // How often a node shares its rate-limited keys' requests and takes the others' from its
    // buckets: the nodes agree within about this long.
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan RequestRateSyncInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LastUsedFlushInterval { get; set; } = TimeSpan.FromSeconds(30);

    // How long a verified key may be answered from memory. Every change made through this app
    // removes the key at once on the node that made it, and on PostgreSQL within about a second
    // on every other node (CrossNodeInvalidation). The lifetime bounds how long anything else can
    // go unseen: a hand-written SQL update, a bulk ExecuteUpdate, a change made while a node's
    // listener was cut off. Zero turns the cache off.
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan CacheLifetime { get; set; } = TimeSpan.FromSeconds(60);

    // On PostgreSQL (Database:Provider=Postgres), several nodes share one database: each change to
    // a key or to whether its owner is disabled or exists is also written to ApiKeyChanges, in the
    // change's transaction, and every node listens (ApiKeyChangeWorker) and drops what changed from
    // its cache. Off,
    // a node neither writes changes for the others nor listens for theirs; SQLite (one node)
    // ignores it. Every node of one database should have the same setting.
    public bool CrossNodeInvalidation { get; set; } = true;

    // How often a listening node also reads the recent changes, in case a notification was lost:
    // with it, a change reaches every node within this interval and one query even then, so
    // under a second. Each sweep is one indexed query of the last minute's changes.
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan CrossNodeSweepInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    // Keys held in memory at once (a few hundred bytes each).
    [Range(1, 10_000_000)]
    public int MaxCachedKeys { get; set; } = 100_000;
}
