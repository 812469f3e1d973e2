using System.Buffers.Binary;
using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.ApiKeys.Authentication;

// A key's SHA-256 as four machine words: a dictionary key that costs no allocation. Equality
// looks at all 32 bytes without an early exit, like CryptographicOperations.FixedTimeEquals.
public readonly struct ApiKeyHash : IEquatable<ApiKeyHash>
{
    private readonly ulong w0;
    private readonly ulong w1;
    private readonly ulong w2;
    private readonly ulong w3;

    public ApiKeyHash(ReadOnlySpan<byte> sha256)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(sha256.Length, ApiKeyFormat.HashLength, nameof(sha256));
        w0 = BinaryPrimitives.ReadUInt64LittleEndian(sha256);
        w1 = BinaryPrimitives.ReadUInt64LittleEndian(sha256[8..]);
        w2 = BinaryPrimitives.ReadUInt64LittleEndian(sha256[16..]);
        w3 = BinaryPrimitives.ReadUInt64LittleEndian(sha256[24..]);
    }

    public bool Equals(ApiKeyHash other) => ((w0 ^ other.w0) | (w1 ^ other.w1) | (w2 ^ other.w2) | (w3 ^ other.w3)) == 0;

    public override bool Equals(object? obj) => obj is ApiKeyHash other && Equals(other);

    // SHA-256 output is uniform, and no caller can choose it: its first word is a good hash code.
    public override int GetHashCode() => (int)w0 ^ (int)(w0 >> 32);

    public static bool operator ==(ApiKeyHash left, ApiKeyHash right) => left.Equals(right);

    public static bool operator !=(ApiKeyHash left, ApiKeyHash right) => !left.Equals(right);
}

// What the database said about a stored key when it was read, and until when that may be reused.
// Revoked keys are kept too, so a leaked revoked key costs no query; unknown keys are not, so
// junk cannot fill the cache. Expiry and the owner's lockout are decided at every use.
internal sealed class CachedApiKey(VerifiedApiKey key, bool revoked, DateTimeOffset? ownerLockoutEnd, DateTimeOffset cachedUntil)
{
    public VerifiedApiKey Key { get; } = key;

    public IdentifiedApiKey Identified { get; } = new(key.Id, key.OwnerId);

    public DateTimeOffset CachedUntil { get; } = cachedUntil;

    public ApiKeyRejection RejectionAt(DateTimeOffset now) =>
        revoked ? ApiKeyRejection.Revoked
        : Key.ExpiresAt is { } expires && expires <= now ? ApiKeyRejection.Expired
        : ownerLockoutEnd is { } lockoutEnd && lockoutEnd > now ? ApiKeyRejection.OwnerLockedOut
        : ApiKeyRejection.None;
}

// Verified keys by hash, so a request with a known key needs no database work (issue 7). Every
// change to a key or to its owner's lockout, made through this app, removes it synchronously
// (ApiKeyCacheInvalidator), before the change returns to whoever made it; on PostgreSQL other
// nodes remove it within about a second (ApiKeyChangeListener), not after CacheLifetime. A lookup that was
// reading the database while a change happened does not store what it read: the generation
// moved on, and what it read may predate the change.
public sealed class ApiKeyCache(IOptions<ApiKeyVerificationOptions> options)
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

    internal CachedApiKey Add(ApiKeyHash hash, VerifiedApiKey key, bool revoked, DateTimeOffset? ownerLockoutEnd, DateTimeOffset now, long seenGeneration)
    {
        var entry = new CachedApiKey(key, revoked, ownerLockoutEnd, now + lifetime);
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
