using System.Security.Cryptography;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Verification;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Tests.ApiKeys.Verification;

// The cache on its own: what it stores, what it refuses to store, and its bound.
public sealed class ApiKeyCacheTests
{
    private static readonly DateTimeOffset Now = TestClock.Start;

    [Fact]
    public void A_stored_key_is_found_by_its_hash_until_its_lifetime_ends()
    {
        var cache = NewCache(lifetime: TimeSpan.FromSeconds(60));
        var (hash, bytes) = RandomHash();

        cache.Add(hash, Key(), revoked: false, ownerDisabled: false, Now, cache.Generation);

        Assert.True(cache.TryGet(new ApiKeyHash(bytes), Now.AddSeconds(59), out var found));
        Assert.Equal(ApiKeyRejection.None, found!.RejectionAt(Now));
        Assert.False(cache.TryGet(hash, Now.AddSeconds(60), out _));
        Assert.False(cache.TryGet(RandomHash().Hash, Now, out _));
    }

    [Fact]
    public void A_lookup_that_read_the_database_before_an_invalidation_does_not_store_what_it_read()
    {
        var cache = NewCache();
        var (hash, bytes) = RandomHash();
        var seen = cache.Generation;

        // The key is revoked (and invalidated) while the lookup's query is out.
        cache.Invalidate(bytes);
        var answer = cache.Add(hash, Key(), revoked: false, ownerDisabled: false, Now, seen);

        Assert.Equal(ApiKeyRejection.None, answer.RejectionAt(Now));
        Assert.False(cache.TryGet(hash, Now, out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Invalidating_one_key_leaves_the_others_and_invalidating_all_empties_it()
    {
        var cache = NewCache();
        var (first, firstBytes) = RandomHash();
        var (second, _) = RandomHash();
        cache.Add(first, Key(), false, false, Now, cache.Generation);
        cache.Add(second, Key(), false, false, Now, cache.Generation);

        cache.Invalidate(firstBytes);

        Assert.False(cache.TryGet(first, Now, out _));
        Assert.True(cache.TryGet(second, Now, out _));

        cache.InvalidateAll();

        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Invalidating_an_owner_removes_their_keys_only_and_stops_lookups_in_flight_from_storing()
    {
        var cache = NewCache();
        var (first, _) = RandomHash();
        var (second, _) = RandomHash();
        var (other, _) = RandomHash();
        cache.Add(first, Key(owner: "x"), false, false, Now, cache.Generation);
        cache.Add(second, Key(owner: "x"), false, false, Now, cache.Generation);
        cache.Add(other, Key(owner: "y"), false, false, Now, cache.Generation);
        var seen = cache.Generation;

        cache.InvalidateOwner("x");

        Assert.False(cache.TryGet(first, Now, out _));
        Assert.False(cache.TryGet(second, Now, out _));
        Assert.True(cache.TryGet(other, Now, out var kept));
        Assert.Equal("y", kept!.OwnerId);
        Assert.Equal(1, cache.Count);

        // X's key read from the database while X was being disabled is not stored.
        cache.Add(first, Key(owner: "x"), false, false, Now, seen);
        Assert.False(cache.TryGet(first, Now, out _));

        // A prefix of an owner's id is another owner.
        cache.InvalidateOwner("");
        cache.InvalidateOwner("y-");
        Assert.True(cache.TryGet(other, Now, out _));
    }

    // The hit path: VerifyAsync on a cached key allocates nothing (InvalidateOwner's scan is paid by
    // the rare change, never by a request).
    [Fact]
    public void A_cache_hit_allocates_nothing()
    {
        var cache = NewCache();
        var clock = TestClock.New();
        var generated = ApiKeyFormat.Generate(ApiKeyEnvironment.Live);
        cache.Add(new ApiKeyHash(generated.Hash), Key(), false, false, clock.GetUtcNow(), cache.Generation);
        var verifier = new ApiKeyVerifier(null!, cache, clock);
        var secret = generated.Secret;

        for (var i = 0; i < 100; i++)
        {
            Assert.True(VerifiesFromMemory(verifier, secret));
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            VerifiesFromMemory(verifier, secret);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Expiry_is_decided_at_each_use_and_revocation_and_the_owners_disabled_account_as_stored()
    {
        var cache = NewCache();
        var expiring = cache.Add(RandomHash().Hash, Key(expiresAt: Now.AddMinutes(5)), false, false, Now, cache.Generation);
        var revoked = cache.Add(RandomHash().Hash, Key(), revoked: true, false, Now, cache.Generation);
        var disabled = cache.Add(RandomHash().Hash, Key(), false, ownerDisabled: true, Now, cache.Generation);
        var expiredAndDisabled = cache.Add(RandomHash().Hash, Key(expiresAt: Now), false, ownerDisabled: true, Now, cache.Generation);

        Assert.Equal(ApiKeyRejection.None, expiring.RejectionAt(Now.AddMinutes(5).AddTicks(-1)));
        Assert.Equal(ApiKeyRejection.Expired, expiring.RejectionAt(Now.AddMinutes(5)));
        Assert.Equal(ApiKeyRejection.Revoked, revoked.RejectionAt(Now));
        Assert.Equal(ApiKeyRejection.OwnerDisabled, disabled.RejectionAt(Now));
        Assert.Equal(ApiKeyRejection.OwnerDisabled, disabled.RejectionAt(Now.AddDays(365)));
        Assert.Equal(ApiKeyRejection.Expired, expiredAndDisabled.RejectionAt(Now));
    }

    [Fact]
    public void It_never_holds_more_keys_than_configured()
    {
        var cache = NewCache(capacity: 100);

        for (var i = 0; i < 1_000; i++)
        {
            cache.Add(RandomHash().Hash, Key(), false, false, Now, cache.Generation);
            Assert.InRange(cache.Count, 1, 100);
        }
    }

    [Fact]
    public void A_lifetime_of_zero_turns_it_off()
    {
        var cache = NewCache(lifetime: TimeSpan.Zero);
        var (hash, _) = RandomHash();

        var answer = cache.Add(hash, Key(), false, false, Now, cache.Generation);

        Assert.False(cache.Enabled);
        Assert.Equal(ApiKeyRejection.None, answer.RejectionAt(Now));
        Assert.False(cache.TryGet(hash, Now, out _));
    }

    [Fact]
    public void Hashes_are_equal_only_when_all_32_bytes_are()
    {
        var bytes = RandomNumberGenerator.GetBytes(ApiKeyFormat.HashLength);
        for (var i = 0; i < bytes.Length; i++)
        {
            var changed = bytes.ToArray();
            changed[i] ^= 1;
            Assert.NotEqual(new ApiKeyHash(bytes), new ApiKeyHash(changed));
        }

        Assert.Equal(new ApiKeyHash(bytes), new ApiKeyHash(bytes.ToArray()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ApiKeyHash(new byte[31]));
    }

    // Completed at once, or it was no hit.
    private static bool VerifiesFromMemory(ApiKeyVerifier verifier, string secret)
    {
        var verification = verifier.VerifyAsync(secret, CancellationToken.None);
        return verification.IsCompletedSuccessfully && verification.Result.Key is not null;
    }

    private static ApiKeyCache NewCache(TimeSpan? lifetime = null, int capacity = 1_000) =>
        new(Options.Create(new ApiKeyVerificationOptions { CacheLifetime = lifetime ?? TimeSpan.FromMinutes(1), MaxCachedKeys = capacity }));

    private static (ApiKeyHash Hash, byte[] Bytes) RandomHash()
    {
        var bytes = RandomNumberGenerator.GetBytes(ApiKeyFormat.HashLength);
        return (new ApiKeyHash(bytes), bytes);
    }

    private static VerifiedApiKey Key(DateTimeOffset? expiresAt = null, string owner = "owner") =>
        new(Guid.NewGuid(), owner, "key", ApiKeyEnvironment.Live, [Permissions.MemoryRead], expiresAt);
}
