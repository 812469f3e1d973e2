using Memsolus.Dashboard.Data;

namespace Memsolus.Dashboard.ApiKeys;

// A key as stored: its SHA-256 and display form, never the key itself.
internal sealed class ApiKey
{
    public Guid Id { get; set; }

    public required string OwnerId { get; set; }

    public ApplicationUser? Owner { get; set; }

    public required string Name { get; set; }

    // Upper-cased name, for the case-insensitive uniqueness check among the owner's active keys.
    public required string NormalizedName { get; set; }

    // NormalizedName while this key holds its name, null once it gave the name up. A unique index on
    // (OwnerId, ActiveName) makes two keys of one owner holding one name impossible, whatever runs
    // at once. A key holds its name while it is Current (ApiKeyStatusRules): a rotated key hands it
    // to its successor at once; a revoked or expired key keeps the column set until a key of the
    // same owner asks for the name (an index cannot look at the clock), and the store releases it
    // then, in the same transaction.
    public string? ActiveName { get; set; }

    public ApiKeyEnvironment Environment { get; set; }

    public List<string> Permissions { get; set; } = [];

    public required byte[] SecretHash { get; set; }

    public required string DisplayKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    public ApiKeyExpiration Expiration { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public string? RevokedBy { get; set; }

    public string? RevocationReason { get; set; }

    // Revoked by an administrator rather than the owner: the owner is told, once, on their next visit.
    public bool RevokedByAdmin { get; set; }

    // When the owner dismissed the notice of an admin revocation.
    public DateTimeOffset? RevocationNoticeSeenAt { get; set; }

    // When the key.expired audit event was written for this key (once).
    public DateTimeOffset? ExpiryRecordedAt { get; set; }

    public Guid? RotatedFromId { get; set; }

    public Guid? RotatedToId { get; set; }

    // Changes on every update, so two concurrent edits of one key cannot both win.
    public Guid Version { get; set; }

    // For a name ApiKeyRules.CleanName gave (already NFC).
    public static string Normalize(string name) => name.ToUpperInvariant();
}
