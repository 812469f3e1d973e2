namespace Memsolus.Dashboard.ApiKeys.Verification;

internal enum ApiKeyFailure
{
    None,
    // No X-Api-Key header at all.
    Missing,
    // A header that is not exactly one valid, active key.
    Rejected,
    // Too many failed checks from the client's address: 429 before any check.
    Blocked,
}
