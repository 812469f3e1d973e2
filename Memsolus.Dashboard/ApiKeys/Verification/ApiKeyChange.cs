namespace Memsolus.Dashboard.ApiKeys.Verification;

// One row per change that other nodes must drop from their caches (cross-node invalidation, on
// PostgreSQL only): written by ApiKeyCacheInvalidator in the same save, so the same transaction,
// as the change itself. A trigger NOTIFYs every listening node when the row commits
// (ApiKeyChangeWorker); the rows are the safety net for a notification that went missing.
internal sealed class ApiKeyChange
{
    public long Id { get; set; }

    // The changed key's SHA-256; null means every key of OwnerId, or, with OwnerId null too, every
    // key of everyone (too many keys in one save to list, or a row written before OwnerId existed).
    public byte[]? SecretHash { get; set; }

    // With SecretHash null: the account whose keys changed as a whole (disabled, enabled or deleted
    // by an administrator). Null with a SecretHash.
    public string? OwnerId { get; set; }

    // The database's clock at the insert (clock_timestamp(), ApplicationDbContext), not a node's:
    // the listeners compare it with the database's now(). Left unset by the app.
    public DateTimeOffset CreatedAt { get; set; }
}
