using System.Security.Cryptography;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.ApiKeys.Authentication;

public sealed record VerifiedApiKey(
    Guid Id,
    string OwnerId,
    string Name,
    ApiKeyEnvironment Environment,
    IReadOnlyList<string> Permissions,
    DateTimeOffset? ExpiresAt);

// The key a request presented, once its hash matched a stored key, whether or not the key was
// accepted: request counting attributes a revoked or expired key's 401s to it.
public sealed record IdentifiedApiKey(Guid KeyId, string OwnerId);

public enum ApiKeyRejection
{
    None,
    Malformed,
    Unknown,
    Revoked,
    Expired,
    OwnerLockedOut,
}

// Design §3 steps 2 and 3: shape and checksum first (no database work for junk), then the
// SHA-256 is looked up by its unique index and the key's state and its owner's lockout checked.
public sealed class ApiKeyVerifier(IDbContextFactory<ApplicationDbContext> contextFactory, TimeProvider clock)
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
        DateTimeOffset? OwnerLockoutEnd);

    private static readonly Func<ApplicationDbContext, byte[], CancellationToken, Task<Row?>> FindByHash =
        EF.CompileAsyncQuery((ApplicationDbContext db, byte[] hash, CancellationToken _) =>
            db.ApiKeys.AsNoTracking()
                .Where(k => k.SecretHash == hash)
                .Select(k => new Row(k.Id, k.OwnerId, k.Name, k.Environment, k.Permissions, k.SecretHash, k.ExpiresAt, k.RevokedAt, k.Owner!.LockoutEnd))
                .SingleOrDefault());

    public async Task<(VerifiedApiKey? Key, ApiKeyRejection Rejection, IdentifiedApiKey? Identified)> VerifyAsync(string presented, CancellationToken cancellationToken)
    {
        if (!ApiKeyFormat.TryParse(presented, out _))
        {
            return (null, ApiKeyRejection.Malformed, null);
        }

        var hash = ApiKeyFormat.Hash(presented);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var row = await FindByHash(db, hash, cancellationToken);

        // The index found the row by hash; comparing again in constant time keeps the decision
        // itself free of timing differences whatever the database's comparison does.
        if (row is null || !CryptographicOperations.FixedTimeEquals(row.SecretHash, hash))
        {
            return (null, ApiKeyRejection.Unknown, null);
        }

        var identified = new IdentifiedApiKey(row.Id, row.OwnerId);
        var now = clock.GetUtcNow();
        if (row.RevokedAt is not null)
        {
            return (null, ApiKeyRejection.Revoked, identified);
        }

        if (row.ExpiresAt is { } expires && expires <= now)
        {
            return (null, ApiKeyRejection.Expired, identified);
        }

        if (row.OwnerLockoutEnd is { } lockoutEnd && lockoutEnd > now)
        {
            return (null, ApiKeyRejection.OwnerLockedOut, identified);
        }

        return (new VerifiedApiKey(row.Id, row.OwnerId, row.Name, row.Environment, row.Permissions, row.ExpiresAt), ApiKeyRejection.None, identified);
    }
}
