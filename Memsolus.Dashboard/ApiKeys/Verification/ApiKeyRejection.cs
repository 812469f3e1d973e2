namespace Memsolus.Dashboard.ApiKeys.Verification;

internal enum ApiKeyRejection
{
    None,
    Malformed,
    Unknown,
    Revoked,
    Expired,
    OwnerDisabled,
}
