namespace Memsolus.Dashboard.ApiKeys;

public sealed record UpdateApiKeyRequest(string? Name, IReadOnlyCollection<string> Permissions);
