namespace Memsolus.Dashboard.ApiKeys;

internal sealed record UpdateApiKeyRequest(string? Name, IReadOnlyCollection<string> Permissions);
