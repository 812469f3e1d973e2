using System.Security.Cryptography;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.ApiKeys.Verification;

// Checks 2 and 3 in docs/security.md: shape and checksum first (no database work for junk), then the
// SHA-256 is looked up, in ApiKeyCache and, when it is not there, by the database's unique index;
// then the key's state and whether its owner's account is disabled are checked. A cache hit allocates nothing.
// Metrics: the cache's hits and misses (none recorded when null, as in the benchmarks' plain runs).
internal sealed class ApiKeyVerifier(IDbContextFactory<ApplicationDbContext> contextFactory, ApiKeyCache cache, TimeProvider clock, ApiKeyMetrics? metrics = null)
{
    private sealed record Row(
        Guid Id,
        string OwnerId,
        string Name,
        ApiKeyEnvironment Environment,
        List<string> Permissions,
        byte[] SecretHash,
        DateTimeOffset? ExpiresAt,
        DateTimeOffset? RevokedAt,
        DateTimeOffset? OwnerDisabledAt,
        DateTimeOffset? QuarantinedAt,
        List<string> AllowedNetworks,
        int? RequestsPerMinute,
        bool RetiresPredecessor);

    // One per verifier, not static: a compiled query keeps the first model it runs against, and
    // a process may hold apps on both providers (the tests do); each verifier has one database.
    private readonly Func<ApplicationDbContext, byte[], CancellationToken, Task<Row?>> findByHash =
        EF.CompileAsyncQuery((ApplicationDbContext db, byte[] hash, CancellationToken _) =>
            db.ApiKeys.AsNoTracking()
                .Where(k => k.SecretHash == hash)
                .Select(k => new Row(k.Id, k.OwnerId, k.Name, k.Environment, k.Permissions, k.SecretHash, k.ExpiresAt, k.RevokedAt, k.Owner!.DisabledAt,
                    k.QuarantinedAt, k.AllowedNetworks, k.RequestsPerMinute ?? k.Owner.DefaultRequestsPerMinute, k.RetiresPredecessor))
                .SingleOrDefault());

    public ValueTask<(VerifiedApiKey? Key, ApiKeyRejection Rejection, IdentifiedApiKey? Identified)> VerifyAsync(string presented, CancellationToken cancellationToken) =>
        TryVerifyInMemory(presented, out var decided, out var miss)
            ? ValueTask.FromResult(decided)
            : LookUpAsync(miss.CacheKey, miss.Hash, cancellationToken);

    // The steps that need no database: shape and checksum, then the cache. True when they settle
    // it; false when only the database can (a well-formed key the cache does not hold), and then
    // miss is what LookUpAsync needs. ApiKeyAuthenticator decides between the two, because a
    // client the failed-attempt limiter blocks may still use a key that verifies.
    internal bool TryVerifyInMemory(string presented, out (VerifiedApiKey? Key, ApiKeyRejection Rejection, IdentifiedApiKey? Identified) decided, out CacheMiss miss)
    {
        miss = default;
        if (!ApiKeyFormat.TryParse(presented, out _))
        {
            decided = (null, ApiKeyRejection.Malformed, null);
            return true;
        }

        Span<byte> hash = stackalloc byte[ApiKeyFormat.HashLength];
        ApiKeyFormat.Hash(presented, hash);
        var cacheKey = new ApiKeyHash(hash);
        var now = clock.GetUtcNow();
        if (cache.TryGet(cacheKey, now, out var cached))
        {
            metrics?.CacheLookup(hit: true);
            decided = Decide(cached!, now);
            return true;
        }

        metrics?.CacheLookup(hit: false);
        decided = default;
        miss = new CacheMiss(cacheKey, hash.ToArray());
        return false;
    }

    // The database path: what a cache miss costs (the benchmarks call it directly).
    internal async ValueTask<(VerifiedApiKey? Key, ApiKeyRejection Rejection, IdentifiedApiKey? Identified)> LookUpAsync(ApiKeyHash cacheKey, byte[] hash, CancellationToken cancellationToken)
    {
        var generation = cache.Generation;
        Row? row;
        await using (var db = await contextFactory.CreateDbContextAsync(cancellationToken))
        {
            row = await findByHash(db, hash, cancellationToken);
        }

        // The index found the row by hash; comparing again in constant time keeps the decision
        // itself free of timing differences whatever the database's comparison does.
        if (row is null || !CryptographicOperations.FixedTimeEquals(row.SecretHash, hash))
        {
            return (null, ApiKeyRejection.Unknown, null);
        }

        var now = clock.GetUtcNow();
        var key = new VerifiedApiKey(row.Id, row.OwnerId, row.Name, row.Environment, row.Permissions, row.ExpiresAt)
        {
            Quarantined = row.QuarantinedAt != null,
            AllowedNetworks = row.AllowedNetworks,
            RequestsPerMinute = row.RequestsPerMinute,
            RetiresPredecessor = row.RetiresPredecessor,
        };
        var entry = cache.Add(cacheKey, key, ApiKeyStatusRules.IsRevoked(row.RevokedAt), ApiKeyStatusRules.OwnerDisabled(row.OwnerDisabledAt), now, generation);
        return Decide(entry, now);
    }

    // A well-formed key the cache does not hold: its hash, as the cache and the database take it.
    internal readonly record struct CacheMiss(ApiKeyHash CacheKey, byte[] Hash);

    private static (VerifiedApiKey? Key, ApiKeyRejection Rejection, IdentifiedApiKey? Identified) Decide(CachedApiKey entry, DateTimeOffset now) =>
        entry.RejectionAt(now) is var rejection && rejection == ApiKeyRejection.None
            ? (entry.Key, rejection, entry.Identified)
            : (null, rejection, entry.Identified);
}
