using System.Security.Claims;

namespace Memsolus.Dashboard.ApiKeys.Verification;

public readonly record struct ApiKeyAuthentication(ClaimsPrincipal? Principal, ApiKeyFailure Failure, TimeSpan RetryAfter);
