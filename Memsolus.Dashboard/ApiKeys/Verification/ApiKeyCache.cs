using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.ApiKeys.Verification;

// Verified keys by hash, so a request with a known key needs no database work (docs/performance.md). Every
// change to a key removes that key, and a change to whether its owner's account is disabled (or its
// deletion) removes that owner's keys, synchronously (ApiKeyCacheInvalidator), before the change
// returns to whoever made it; on PostgreSQL other nodes remove them within about a second
// (ApiKeyChangeWorker), not after CacheLifetime. A lookup that was reading the database while a
// change happened does not store what it read: the generation moved on, and what it read may
// predate the change.
internal sealed class ApiKeyCache(IOptions<ApiKeyVerificationOptions> options)
{
    private readonly ConcurrentDictionary<ApiKeyHash, CachedApiKey> entries = new();
    private readonly Lock gate = new();
    private readonly TimeSpan lifetime = options.Value.CacheLifetime;
    private readonly int capacity = options.Value.MaxCachedKeys;
    private long generation;

    public bool Enabled => lifetime > TimeSpan.Zero;

    // Read before a database lookup and handed back to Add with its result.
    public long Generation => Volatile.Read(ref generation);

    public int Count => entries.Count;

    internal bool TryGet(ApiKeyHash hash, DateTimeOffset now, out CachedApiKey? key)
    {
        if (entries.TryGetValue(hash, out key) && key.CachedUntil > now)
        {
            return true;
        }

        key = null;
        return false;
    }

    internal CachedApiKey Add(ApiKeyHash hash, VerifiedApiKey key, bool revoked, bool ownerDisabled, DateTimeOffset now, long seenGeneration)
    {
        var entry = new CachedApiKey(key, revoked, ownerDisabled, now + lifetime);
        if (!Enabled)
        {
            return entry;
        }

        lock (gate)
        {
            if (generation != seenGeneration)
            {
                return entry;
            }

            if (entries.Count >= capacity && !entries.ContainsKey(hash))
            {
                Trim(now);
            }

            entries[hash] = entry;
        }

        return entry;
    }

    public void Invalidate(ReadOnlySpan<byte> secretHash)
    {
        var hash = new ApiKeyHash(secretHash);
        lock (gate)
        {
            generation++;
            entries.TryRemove(hash, out _);
        }
    }

    // One owner's keys: a scan, not an index by owner. It runs only when an administrator disables,
    // enables or deletes an account (on every node), which is rare, and costs a few milliseconds at
    // MaxCachedKeys; an index would cost every Add and Trim work and memory instead, and the hit
    // path (TryGet) is the same either way.
    public void InvalidateOwner(ReadOnlySpan<char> ownerId)
    {
        lock (gate)
        {
            generation++;
            foreach (var (hash, entry) in entries)
            {
                if (ownerId.SequenceEqual(entry.OwnerId))
                {
                    entries.TryRemove(hash, out _);
                }
            }
        }
    }

    public void InvalidateAll()
    {
        lock (gate)
        {
            generation++;
            entries.Clear();
        }
    }

    // Full: drop what has outlived its lifetime, then, if that was not enough, a tenth of the rest.
    // Called under the gate, only when a database lookup is about to add a key.
    private void Trim(DateTimeOffset now)
    {
        foreach (var (hash, entry) in entries)
        {
            if (entry.CachedUntil <= now)
            {
                entries.TryRemove(hash, out _);
            }
        }

        var excess = entries.Count - (capacity - Math.Max(1, capacity / 10));
        foreach (var hash in entries.Keys)
        {
            if (excess-- <= 0)
            {
                break;
            }

            entries.TryRemove(hash, out _);
        }
    }
}
