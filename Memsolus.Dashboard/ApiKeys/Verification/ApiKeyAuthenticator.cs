using System.Net;
using System.Security.Claims;

namespace Memsolus.Dashboard.ApiKeys.Verification;

// Checks 1 to 4 in docs/security.md for one API request: the X-Api-Key header and only that header (never
// the query string, never Authorization), the failed-attempt limiter, verification, and the
// key's principal. ApiMiddleware calls it for every request under /api/v1 and answers 401, 403
// or 429 itself. On a cache hit it completes synchronously and allocates only the principal:
// the identity is built once per verified key (VerifiedApiKey.Identity).
internal sealed partial class ApiKeyAuthenticator(
    ApiKeyVerifier verifier,
    FailedAttemptLimiter limiter,
    LastUsedRecorder lastUsed,
    TimeProvider clock,
    ILogger<ApiKeyAuthenticator> logger)
{
    public ValueTask<ApiKeyAuthentication> AuthenticateAsync(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (limiter.IsBlocked(address, out var retryAfter))
        {
            return ValueTask.FromResult(new ApiKeyAuthentication(null, ApiKeyFailure.Blocked, retryAfter));
        }

        var values = context.Request.Headers[ApiKeyHeader.Name];
        if (values.Count == 0)
        {
            return ValueTask.FromResult(new ApiKeyAuthentication(null, ApiKeyFailure.Missing, default));
        }

        if (values.Count > 1)
        {
            return ValueTask.FromResult(Reject(address, ApiKeyRejection.Malformed));
        }

        var verification = verifier.VerifyAsync(values[0] ?? "", context.RequestAborted);
        return verification.IsCompletedSuccessfully
            ? ValueTask.FromResult(Complete(context, address, verification.Result))
            : CompleteAsync(context, address, verification);
    }

    private async ValueTask<ApiKeyAuthentication> CompleteAsync(
        HttpContext context, IPAddress? address, ValueTask<(VerifiedApiKey? Key, ApiKeyRejection Rejection, IdentifiedApiKey? Identified)> verification) =>
        Complete(context, address, await verification);

    private ApiKeyAuthentication Complete(HttpContext context, IPAddress? address, (VerifiedApiKey? Key, ApiKeyRejection Rejection, IdentifiedApiKey? Identified) verification)
    {
        if (verification.Identified is { } identified)
        {
            // For request counting (Usage/), which also counts a known key's 401s against it.
            context.Features.Set(identified);
        }

        if (verification.Key is not { } key)
        {
            return Reject(address, verification.Rejection);
        }

        // The key as verified, for endpoints that describe it (GET /me) without parsing claims back.
        context.Features.Set(key);
        lastUsed.Record(key.Id, clock.GetUtcNow());
        return new ApiKeyAuthentication(new ClaimsPrincipal(key.Identity), ApiKeyFailure.None, default);
    }

    private ApiKeyAuthentication Reject(IPAddress? address, ApiKeyRejection rejection)
    {
        limiter.RecordFailure(address);
        LogRejected(logger, rejection, address?.ToString());
        return new ApiKeyAuthentication(null, ApiKeyFailure.Rejected, default);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "API key rejected ({Rejection}) from {ClientAddress}")]
    private static partial void LogRejected(ILogger logger, ApiKeyRejection rejection, string? clientAddress);
}
