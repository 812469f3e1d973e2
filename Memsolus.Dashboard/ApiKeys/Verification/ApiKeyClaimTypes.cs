namespace Memsolus.Dashboard.ApiKeys.Verification;

internal static class ApiKeyClaimTypes
{
    public const string KeyId = "msk:key_id";
    public const string OwnerId = "msk:owner_id";
    public const string KeyName = "msk:key_name";
    public const string ExpiresAt = "msk:expires_at";
    public const string Environment = "msk:environment";
    public const string Permission = "msk:permission";
}
