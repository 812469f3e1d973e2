namespace Memsolus.Dashboard.ApiKeys;

// AllowedNetworks: the "Allowed IP addresses" text as typed (KeyNetworks); blank: any address; null:
// leave the key's allowlist as it is.
internal sealed record UpdateApiKeyRequest(string? Name, IReadOnlyCollection<string> Permissions, string? AllowedNetworks = null);
