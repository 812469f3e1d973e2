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

    // Rotated with "When the new key is first used": this (old) key has no end yet and works until
    // its successor's first successful request, which sets ExpiresAt to that moment and clears this.
    public bool WaitsForSuccessor { get; set; }

    // On the successor of a key that WaitsForSuccessor: its first successful request retires the
    // predecessor (ApiKeys/FirstUseRetirement). Cleared then; read by the key check.
    public bool RetiresPredecessor { get; set; }

    // Quarantined (by its owner, an administrator, or a leak report the owner chose quarantine for):
    // the key keeps only its read permissions; Permissions stays as it was, so Restore brings it back.
    public DateTimeOffset? QuarantinedAt { get; set; }

    public string? QuarantinedBy { get; set; }

    // IPv4/IPv6 addresses and CIDR ranges the key may be used from (ApiKeys/KeyNetworks); empty: anywhere.
    public List<string> AllowedNetworks { get; set; } = [];

    // The key's own limit; null: the account's default (ApplicationUser.DefaultRequestsPerMinute), if any.
    public int? RequestsPerMinute { get; set; }

    // The last time the key was reported leaked, where, and by what (LeakReports/); the owner sees a
    // banner on the API Keys page until they dismiss it (LeakNoticeSeenAt).
    public DateTimeOffset? LeakedAt { get; set; }

    public string? LeakSource { get; set; }

    public string? LeakUrl { get; set; }

    public DateTimeOffset? LeakNoticeSeenAt { get; set; }

    // Changes on every update, so two concurrent edits of one key cannot both win.
    public Guid Version { get; set; }

    // For a name ApiKeyRules.CleanName gave (already NFC).
    public static string Normalize(string name) => name.ToUpperInvariant();
}
