using System.Security.Claims;

namespace Memsolus.Dashboard.ApiKeys.Verification;

// Key: the key as verified, with Principal (null otherwise). Rejection: why a Rejected key was (for
// the key-check metric, ApiKeyMetrics; the answer is the same 401 whatever it is).
internal readonly record struct ApiKeyAuthentication(
    ClaimsPrincipal? Principal, ApiKeyFailure Failure, TimeSpan RetryAfter, VerifiedApiKey? Key = null, ApiKeyRejection Rejection = ApiKeyRejection.None);
