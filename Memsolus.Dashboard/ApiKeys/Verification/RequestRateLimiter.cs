using System.Collections.Concurrent;
using System.Globalization;
using Memsolus.Dashboard.Data;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.ApiKeys.Verification;

// What the limiter decided for one request, with what the response's headers say: Remaining
// whole requests, ResetSeconds until the bucket is full again, RetryAfterSeconds until one request
// is allowed (only meaningful when refused), and Policy, the RateLimit-Policy value (one string
// per limit, made once: the hit path allocates nothing for it).
internal readonly record struct RateLimitDecision(bool Allowed, int Remaining, int ResetSeconds, int RetryAfterSeconds, string Policy)
{
    // The draft's structured-field RateLimit value (docs/security.md, "Per-key rate limits").
    public string RateLimit => string.Create(CultureInfo.InvariantCulture, $"\"{RequestRateLimiter.PolicyName}\";r={Remaining};t={ResetSeconds}");
}

// Per-key rate limits (VerifiedApiKey.RequestsPerMinute): one token bucket per key id, in memory
// on each node. A bucket holds up to the limit and refills at limit/60 tokens a second; a request
// takes one token or is refused. A bucket's lock is the key's own, so requests of different keys
// never wait for each other. Memory is bounded: a bucket that is full again is worth nothing
// (a new one starts full), so buckets idle that long are swept, and a table that reaches
// MaxRateLimitedKeys is swept before it grows.
//
// With several nodes (PostgreSQL), RequestRateSyncWorker takes each key's requests no sync has
// shared yet (counted per aligned minute, like FailedAttemptLimiter's windows), adds them to the
// shared row of that minute, reads back every key's total, and hands the other nodes' part
// here (ApplyShared): it is taken from the key's bucket, so each node's bucket pays for the whole
// cluster's requests and the cluster's total stays near the limit, not N times it. A bucket may go
// into debt (down to minus the limit) for requests other nodes admitted before they heard of
// this node's, and pays it back by refilling.
internal sealed class RequestRateLimiter(IOptions<ApiKeyVerificationOptions> options, IOptions<DatabaseOptions> database, TimeProvider clock)
{
    public const string PolicyName = "per-key";

    private const double TicksPerMinute = TimeSpan.TicksPerMinute;

    private sealed class Bucket(int limit, long now)
    {
        public int Limit = limit;
        public double Tokens = limit;
        public long UpdatedTicks = now;
        public string Policy = PolicyFor(limit);

        // The aligned minute the sharing counts below belong to.
        public long WindowStart;

        // Requests admitted here in WindowStart that no sync has taken yet.
        public int Unshared;

        // This node's requests in WindowStart that a sync wrote to the shared row.
        public int Written;

        // Other nodes' requests in WindowStart already taken from Tokens.
        public int OthersTaken;
    }

    private static readonly Dictionary<Guid, int> NoSharedTotals = [];

    private readonly ConcurrentDictionary<Guid, Bucket> buckets = new();
    private readonly Lock sweepLock = new();

    // The last sync's totals of the current aligned minute (all nodes), for buckets made after it:
    // a node that first sees a key mid-minute starts it with what the others already spent.
    // Replaced whole by each sync, never changed in place.
    private Dictionary<Guid, int> sharedTotals = NoSharedTotals;
    private long sharedTotalsWindow;

    // Set by an admitted request, cleared by the sync that takes it: a sync with nothing new skips the scan.
    private int unshared;

    public int TrackedKeys => buckets.Count;

    // Whether a sync takes the requests counted here to share them (RequestRateSyncWorker.Enabled):
    // on one node nothing is counted for it.
    public bool Sharing { get; } = options.Value.ShareRequestRates ?? database.Value.Provider == DatabaseProvider.Postgres;

    public static string PolicyFor(int limit) => string.Create(CultureInfo.InvariantCulture, $"\"{PolicyName}\";q={limit};w=60");

    public static long SharedWindowStart(long utcTicks) => utcTicks - (utcTicks % TimeSpan.TicksPerMinute);

    // take: false only reports where the key stands (for a response refused before the limit is
    // checked, which spends nothing but still tells the client its limit).
    public RateLimitDecision TryAcquire(Guid keyId, int limit, bool take = true)
    {
        var now = clock.GetUtcNow().UtcTicks;
        if (!buckets.TryGetValue(keyId, out var bucket))
        {
            bucket = NewBucket(keyId, limit, now);
        }

        lock (bucket)
        {
            Refill(bucket, now);
            if (bucket.Limit != limit)
            {
                // A changed limit applies at once to what the key has already spent.
                var spent = bucket.Limit - bucket.Tokens;
                bucket.Limit = limit;
                bucket.Policy = PolicyFor(limit);
                bucket.Tokens = Math.Clamp(limit - spent, -limit, limit);
            }

            var allowed = bucket.Tokens >= 1;
            if (allowed && take)
            {
                bucket.Tokens -= 1;
            }

            if (allowed && take && Sharing)
            {
                var window = SharedWindowStart(now);
                if (bucket.WindowStart != window)
                {
                    StartWindow(bucket, window);
                }

                bucket.Unshared++;
            }

            // A token comes back every 60/limit seconds.
            var tokens = bucket.Tokens;
            var decision = new RateLimitDecision(
                allowed,
                Math.Max(0, (int)tokens),
                Seconds((limit - tokens) * 60 / limit),
                Math.Max(1, Seconds((1 - tokens) * 60 / limit)),
                bucket.Policy);
            if (allowed && take && Sharing)
            {
                Volatile.Write(ref unshared, 1);
            }

            return decision;
        }
    }

    // For RequestRateSyncWorker: every key's requests in the aligned minute windowStart that no sync
    // has taken yet (those of an earlier minute are dropped: no node counts them any more).
    internal List<(Guid Key, int Requests)> TakeUnshared(long windowStart)
    {
        var taken = new List<(Guid, int)>();
        if (Interlocked.Exchange(ref unshared, 0) == 0)
        {
            return taken;
        }

        foreach (var (key, bucket) in buckets)
        {
            lock (bucket)
            {
                if (bucket.Unshared > 0 && bucket.WindowStart == windowStart)
                {
                    taken.Add((key, bucket.Unshared));
                }

                bucket.Unshared = 0;
            }
        }

        return taken;
    }

    // For RequestRateSyncWorker: requests it took but could not write, kept for the next sync.
    internal void ReturnUnshared(long windowStart, IEnumerable<(Guid Key, int Requests)> requests)
    {
        foreach (var (key, count) in requests)
        {
            if (buckets.TryGetValue(key, out var bucket))
            {
                lock (bucket)
                {
                    if (bucket.WindowStart == windowStart)
                    {
                        bucket.Unshared += count;
                    }
                }
            }
        }

        Volatile.Write(ref unshared, 1);
    }

    // For RequestRateSyncWorker, after a successful sync of the aligned minute windowStart: written
    // is what it added for this node, totals what every node has added. The other nodes' requests
    // not yet taken from a bucket are taken now. Returns how many requests of other nodes it took.
    internal int ApplyShared(long windowStart, IReadOnlyCollection<(Guid Key, int Requests)> written, Dictionary<Guid, int> totals)
    {
        var now = clock.GetUtcNow().UtcTicks;
        foreach (var (key, count) in written)
        {
            if (buckets.TryGetValue(key, out var bucket))
            {
                lock (bucket)
                {
                    if (bucket.WindowStart == windowStart)
                    {
                        bucket.Written += count;
                    }
                }
            }
        }

        var taken = 0;
        foreach (var (key, total) in totals)
        {
            if (!buckets.TryGetValue(key, out var bucket))
            {
                continue;
            }

            lock (bucket)
            {
                if (bucket.WindowStart != windowStart)
                {
                    StartWindow(bucket, windowStart);
                }

                var others = total - bucket.Written;
                if (others > bucket.OthersTaken)
                {
                    Refill(bucket, now);
                    bucket.Tokens = Math.Max(-bucket.Limit, bucket.Tokens - (others - bucket.OthersTaken));
                    taken += others - bucket.OthersTaken;
                    bucket.OthersTaken = others;
                }
            }
        }

        Volatile.Write(ref sharedTotalsWindow, windowStart);
        Volatile.Write(ref sharedTotals, totals.Count == 0 ? NoSharedTotals : totals);
        return taken;
    }

    // Buckets that are full again (worth nothing: a new one starts full) are forgotten; returns how many.
    internal int SweepIdle()
    {
        var now = clock.GetUtcNow().UtcTicks;
        var removed = 0;
        foreach (var (key, bucket) in buckets)
        {
            bool idle;
            lock (bucket)
            {
                Refill(bucket, now);
                idle = bucket.Tokens >= bucket.Limit && bucket.Unshared == 0;
            }

            if (idle && buckets.TryRemove(new KeyValuePair<Guid, Bucket>(key, bucket)))
            {
                removed++;
            }
        }

        return removed;
    }

    private Bucket NewBucket(Guid keyId, int limit, long now)
    {
        if (buckets.Count >= options.Value.MaxRateLimitedKeys)
        {
            lock (sweepLock)
            {
                if (buckets.Count >= options.Value.MaxRateLimitedKeys)
                {
                    SweepIdle();
                }
            }
        }

        var bucket = buckets.GetOrAdd(keyId, static (_, state) => new Bucket(state.limit, state.now), (limit, now));

        // What the other nodes spent of this key this minute, as of the last sync.
        var window = SharedWindowStart(now);
        if (Volatile.Read(ref sharedTotalsWindow) == window && Volatile.Read(ref sharedTotals).TryGetValue(keyId, out var spent))
        {
            lock (bucket)
            {
                if (bucket.WindowStart != window)
                {
                    StartWindow(bucket, window);
                    bucket.Tokens = Math.Max(-limit, bucket.Tokens - spent);
                    bucket.OthersTaken = spent;
                }
            }
        }

        return bucket;
    }

    // Whole seconds, rounded up, but not for the last bits of a double's error (0.95 tokens at 3 a minute is 1 s away, not 2).
    private static int Seconds(double seconds) => (int)Math.Ceiling(seconds - 1e-9);

    private static void StartWindow(Bucket bucket, long window)
    {
        bucket.WindowStart = window;
        bucket.Unshared = 0;
        bucket.Written = 0;
        bucket.OthersTaken = 0;
    }

    private static void Refill(Bucket bucket, long now)
    {
        var elapsed = now - bucket.UpdatedTicks;
        if (elapsed > 0)
        {
            bucket.Tokens = Math.Min(bucket.Limit, bucket.Tokens + (elapsed * bucket.Limit / TicksPerMinute));
            bucket.UpdatedTicks = now;
        }
    }
}
