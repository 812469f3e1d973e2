namespace Memsolus.Dashboard.ApiKeys.Verification;

// Where a request carries its key, and how a 401 says so.
internal static class ApiKeyHeader
{
    public const string Name = "X-Api-Key";

    // The scheme's name in WWW-Authenticate and in the OpenAPI document.
    public const string Scheme = "ApiKey";

    public const string WwwAuthenticate = $"{Scheme} header=\"{Name}\"";
}
