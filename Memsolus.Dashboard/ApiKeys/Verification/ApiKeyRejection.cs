namespace Memsolus.Dashboard.ApiKeys.Verification;

public enum ApiKeyRejection
{
    None,
    Malformed,
    Unknown,
    Revoked,
    Expired,
    OwnerLockedOut,
}
