namespace Memsolus.Dashboard.ApiKeys.Verification;

// What the database said about a stored key when it was read, and until when that may be reused.
// Revoked keys are kept too, so a leaked revoked key costs no query; unknown keys are not, so
// junk cannot fill the cache. Expiry is decided at every use; revocation and the owner's account
// being disabled are facts a change removes the entry for (ApiKeyCacheInvalidator: the key's own
// row for the first, the owner's row for the second), all by the facts
// ApiKeyStatusRules.Accepted is made of (a test holds the two to the same answers).
internal sealed class CachedApiKey(VerifiedApiKey key, bool revoked, bool ownerDisabled, DateTimeOffset cachedUntil)
{
    public VerifiedApiKey Key { get; } = key;

    // Whose key it is: an owner's account being disabled, enabled or deleted removes the owner's
    // entries (ApiKeyCache.InvalidateOwner), and no one else's.
    public string OwnerId => Key.OwnerId;

    public IdentifiedApiKey Identified { get; } = new(key.Id, key.OwnerId);

    public DateTimeOffset CachedUntil { get; } = cachedUntil;

    public ApiKeyRejection RejectionAt(DateTimeOffset now) =>
        revoked ? ApiKeyRejection.Revoked
        : ApiKeyStatusRules.HasExpired(Key.ExpiresAt, now) ? ApiKeyRejection.Expired
        : ownerDisabled ? ApiKeyRejection.OwnerDisabled
        : ApiKeyRejection.None;
}
