namespace Memsolus.Dashboard.ApiKeys;

// What the dashboard shows of a key. Never holds the secret.
public sealed record ApiKeySummary(
    Guid Id,
    string Name,
    string DisplayKey,
    ApiKeyEnvironment Environment,
    IReadOnlyList<string> Permissions,
    DateTimeOffset CreatedAt,
    ApiKeyExpiration Expiration,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? RevokedAt,
    string? RevokedBy,
    string? RevocationReason,
    bool RevokedByAdmin,
    Guid? RotatedFromId,
    Guid? RotatedToId,
    ApiKeyStatus Status)
{
    public bool IsFullAccess => Permissions.Count == ApiKeys.Permissions.All.Count;

    // Edit and rotate apply to active keys; revoke also to a rotated key still in its grace period.
    public bool CanEdit => Status is ApiKeyStatus.Active or ApiKeyStatus.ExpiresSoon;

    public bool CanRotate => CanEdit;

    public bool CanRevoke => StillWorks;

    // Revoked, expired and rotated-and-past-grace keys sit behind "Show revoked".
    public bool IsHiddenByDefault => !StillWorks;

    // Accepted by the API right now (set from the service's clock when the summary is made).
    public bool StillWorks { get; init; }

    // Rotated "When the new key is first used", and the new key has not been used yet: this key
    // works until then (or its own expiry). Shown as "waiting for first use".
    public bool WaitsForFirstUse { get; init; }

    // When the key was quarantined (only its read permissions work), null when it is not. A status
    // of its own beside the five, which say whether the key works at all.
    public DateTimeOffset? QuarantinedAt { get; init; }

    public bool IsQuarantined => QuarantinedAt is not null;

    // Quarantine and Restore apply to keys that still work (a rotated key in its grace period too).
    public bool CanQuarantine => StillWorks && !IsQuarantined;

    public bool CanRestore => StillWorks && IsQuarantined;

    // The key's concurrency token when this summary was read: a dialog sends it back, so a change
    // made meanwhile (in another tab) is refused with "This key changed; reload." rather than
    // silently overwritten.
    public Guid Version { get; init; }

    // The key's own requests per minute; null: its owner's default, if any.
    public int? RequestsPerMinute { get; init; }

    // The key's IP allowlist, canonical (KeyNetworks); empty: any address.
    public IReadOnlyList<string> AllowedNetworks { get; init; } = [];
}
