namespace Memsolus.Dashboard.ApiKeys;

internal sealed record UpdateApiKeyRequest(string? Name, IReadOnlyCollection<string> Permissions)
{
    // Replaces the key's own limit; null: the account's default, if any.
    public int? RequestsPerMinute { get; init; }
}
