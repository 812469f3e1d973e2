namespace Memsolus.Dashboard.ApiKeys;

// Permissions are what the key may do now: of a quarantined key only its read permissions, the rest
// listed in WithheldPermissions until its owner restores it (docs/api.md).
internal sealed record MeDto(Guid Id, string Name, string Environment, IReadOnlyList<string> Permissions, DateTimeOffset? ExpiresAt, bool Quarantined, IReadOnlyList<string> WithheldPermissions);
