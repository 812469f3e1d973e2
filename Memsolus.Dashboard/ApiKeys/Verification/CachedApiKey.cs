namespace Memsolus.Dashboard.ApiKeys.Verification;

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
