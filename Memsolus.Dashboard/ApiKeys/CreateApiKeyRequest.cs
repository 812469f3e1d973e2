namespace Memsolus.Dashboard.ApiKeys;

// AllowedNetworks: the "Allowed IP addresses" text as typed (KeyNetworks); null or blank: any address.
internal sealed record CreateApiKeyRequest(
    string? Name,
    ApiKeyEnvironment Environment,
    IReadOnlyCollection<string> Permissions,
    ApiKeyExpiration Expiration,
    DateOnly? ExpiresOn = null,
    string? AllowedNetworks = null)
{
    // Null: the account's default, if any (ApiKeyRules.ValidateRequestsPerMinute).
    public int? RequestsPerMinute { get; init; }
}
