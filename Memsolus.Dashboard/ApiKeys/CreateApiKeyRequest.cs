namespace Memsolus.Dashboard.ApiKeys;

public sealed record CreateApiKeyRequest(
    string? Name,
    ApiKeyEnvironment Environment,
    IReadOnlyCollection<string> Permissions,
    ApiKeyExpiration Expiration,
    DateOnly? ExpiresOn = null);
