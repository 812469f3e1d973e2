using System.Security.Claims;

namespace Memsolus.Dashboard.ApiKeys.Verification;

// Key: the key as verified, with Principal (null otherwise).
internal readonly record struct ApiKeyAuthentication(ClaimsPrincipal? Principal, ApiKeyFailure Failure, TimeSpan RetryAfter, VerifiedApiKey? Key = null);
