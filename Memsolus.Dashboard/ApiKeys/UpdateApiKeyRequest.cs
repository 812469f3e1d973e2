namespace Memsolus.Dashboard.ApiKeys;

// AllowedNetworks: the "Allowed IP addresses" text as typed (KeyNetworks); blank: any address; null:
// leave the key's allowlist as it is.
internal sealed record UpdateApiKeyRequest(string? Name, IReadOnlyCollection<string> Permissions, string? AllowedNetworks = null)
{
    // Replaces the key's own limit; null: the account's default, if any.
    public int? RequestsPerMinute { get; init; }
}
