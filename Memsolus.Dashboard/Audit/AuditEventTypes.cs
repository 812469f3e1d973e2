namespace Memsolus.Dashboard.Audit;

internal static class AuditEventTypes
{
    public const string KeyCreated = "key.created";
    public const string KeyUpdated = "key.updated";
    public const string KeyRotated = "key.rotated";
    public const string KeyRevoked = "key.revoked";
    public const string KeyExpired = "key.expired";

    // A key rotated "When the new key is first used" stopped: its successor's first successful request.
    public const string KeyRotationCompleted = "key.rotation_completed";

    public const string KeyLeaked = "key.leaked";
    public const string KeyQuarantined = "key.quarantined";
    public const string KeyRestored = "key.restored";
    public const string KeysBulkRevoked = "account.keys_revoked";
    public const string AccountDisabled = "account.disabled";
    public const string AccountEnabled = "account.enabled";

    // An account-wide setting its keys obey changed: the leak response, the default requests per minute.
    public const string AccountSettingsChanged = "account.settings_changed";

    public static IReadOnlyList<string> All { get; } = [KeyCreated, KeyUpdated, KeyRotated, KeyRotationCompleted, KeyRevoked, KeyExpired, KeyLeaked, KeyQuarantined, KeyRestored, KeysBulkRevoked, AccountDisabled, AccountEnabled, AccountSettingsChanged];
}
