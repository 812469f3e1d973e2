namespace Memsolus.Dashboard.ApiKeys.Authentication;

public static class ApiKeyAuthenticationDefaults
{
    // The scheme's name in WWW-Authenticate and in the OpenAPI document.
    public const string AuthenticationScheme = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    public const string WwwAuthenticate = $"{AuthenticationScheme} header=\"{HeaderName}\"";
}

public static class ApiKeyClaimTypes
{
    public const string KeyId = "msk:key_id";
    public const string OwnerId = "msk:owner_id";
    public const string KeyName = "msk:key_name";
    public const string ExpiresAt = "msk:expires_at";
    public const string Environment = "msk:environment";
    public const string Permission = "msk:permission";
}
