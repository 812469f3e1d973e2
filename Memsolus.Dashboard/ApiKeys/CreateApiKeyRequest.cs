namespace Memsolus.Dashboard.ApiKeys;

internal sealed record CreateApiKeyRequest(
    string? Name,
    ApiKeyEnvironment Environment,
    IReadOnlyCollection<string> Permissions,
    ApiKeyExpiration Expiration,
    DateOnly? ExpiresOn = null)
{
    // Null: the account's default, if any (ApiKeyRules.ValidateRequestsPerMinute).
    public int? RequestsPerMinute { get; init; }
}
