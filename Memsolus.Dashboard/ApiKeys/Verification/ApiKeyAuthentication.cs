using System.Security.Claims;

namespace Memsolus.Dashboard.ApiKeys.Verification;

internal readonly record struct ApiKeyAuthentication(ClaimsPrincipal? Principal, ApiKeyFailure Failure, TimeSpan RetryAfter);
