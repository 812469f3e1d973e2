namespace Memsolus.Dashboard.ApiKeys;

// AllowedNetworks: the "Allowed IP addresses" text as typed (KeyNetworks); null or blank: any address.
internal sealed record CreateApiKeyRequest(
    string? Name,
    ApiKeyEnvironment Environment,
    IReadOnlyCollection<string> Permissions,
    ApiKeyExpiration Expiration,
    DateOnly? ExpiresOn = null,
    string? AllowedNetworks = null);
