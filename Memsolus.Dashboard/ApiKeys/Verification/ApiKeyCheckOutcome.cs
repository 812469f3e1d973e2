namespace Memsolus.Dashboard.ApiKeys.Verification;

// How an API request's key check ended: the "outcome" tag of memsolus.api_key.checks (ApiKeyMetrics).
internal enum ApiKeyCheckOutcome
{
    Ok,
    // No X-Api-Key header.
    Missing,
    // Not a key's shape, a bad checksum, or more than one header.
    Malformed,
    Unknown,
    Revoked,
    Expired,
    OwnerDisabled,
    // 429 from the failed-attempt limiter before the key was decided.
    Blocked,
    IpNotAllowed,
    // A valid key without the endpoint's permission.
    Forbidden,
    // A quarantined key asking for a permission quarantine holds back.
    Quarantined,
    // Over the key's own rate limit.
    Limited,
}
