namespace Memsolus.Dashboard.ApiKeys;

public enum ApiKeyStatus
{
    Active,
    ExpiresSoon,
    Expired,
    Rotated,
    Revoked,
}
