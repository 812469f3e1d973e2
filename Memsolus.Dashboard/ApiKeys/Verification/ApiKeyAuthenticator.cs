using System.Net;
using System.Security.Claims;

namespace Memsolus.Dashboard.ApiKeys.Verification;

// Checks 1 to 4 in docs/security.md for one API request: the X-Api-Key header and only that header (never
// the query string, never Authorization), verification, the failed-attempt limiter, and the
// key's principal. ApiMiddleware calls it for every request under /api/v1 and answers 401, 403
// or 429 itself. On a cache hit it completes synchronously and allocates only the principal:
// the identity is built once per verified key (VerifiedApiKey.Identity).
//
// The failed-attempt block stops failed attempts only: a key that verifies is served even from a
// blocked address (one that shares a NAT or a proxy-less /64 with an attacker, or that mistyped a
// key 100 times), and everything else from a blocked address is 429. So that the block window is
// no licence to make the database work:
// - a malformed key, or one the cache holds, is decided in memory: a hit passes without reading
//   the block at all (the hit path costs what it did), anything else blocked is 429;
// - a well-formed key the cache does not hold, from a blocked address, is looked up only through
//   one gate per node shared by every blocked client: at most one such lookup at a time, the others
//   wait their turn (or until their client goes away). However many blocked clients and requests,
//   they hold one database connection per node between them, while clients that are not blocked
//   never wait on the gate. Waiting, not 429, because a key that verifies must not be refused.
internal sealed partial class ApiKeyAuthenticator(
    ApiKeyVerifier verifier,
    FailedAttemptLimiter limiter,
    LastUsedRecorder lastUsed,
    TimeProvider clock,
    ILogger<ApiKeyAuthenticator> logger)
{
    private readonly SemaphoreSlim blockedLookups = new(1, 1);

    // Blocked clients' lookups waiting for the gate or running, and all that ever went through
    // it, for the tests (count, not time).
    private int blockedLookupsInFlight;
    private long blockedLookupsStarted;

    internal int BlockedLookupsInFlight => Volatile.Read(ref blockedLookupsInFlight);

    internal long BlockedLookupsStarted => Interlocked.Read(ref blockedLookupsStarted);

    public ValueTask<ApiKeyAuthentication> AuthenticateAsync(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        var values = context.Request.Headers[ApiKeyHeader.Name];
        if (values.Count != 1)
        {
            return ValueTask.FromResult(
                IsBlocked(address, out var blocked) ? blocked
                : values.Count == 0 ? new ApiKeyAuthentication(null, ApiKeyFailure.Missing, default)
                : Reject(address, ApiKeyRejection.Malformed));
        }

        if (verifier.TryVerifyInMemory(values[0] ?? "", out var decided, out var miss))
        {
            return ValueTask.FromResult(decided.Key is null && IsBlocked(address, out var blocked) ? blocked : Complete(context, address, decided));
        }

        if (IsBlocked(address, out var refusal))
        {
            return LookUpWhileBlockedAsync(context, address, miss, refusal);
        }

        var verification = verifier.LookUpAsync(miss.CacheKey, miss.Hash, context.RequestAborted);
        return verification.IsCompletedSuccessfully
            ? ValueTask.FromResult(Complete(context, address, verification.Result))
            : CompleteAsync(context, address, verification);
    }

    private bool IsBlocked(IPAddress? address, out ApiKeyAuthentication blocked)
    {
        var isBlocked = limiter.IsBlocked(address, out var retryAfter);
        blocked = new ApiKeyAuthentication(null, ApiKeyFailure.Blocked, retryAfter);
        return isBlocked;
    }

    // A blocked client's key that only the database can decide: through the gate, one at a time.
    // Served if it verifies; otherwise 429 like the rest of the block (not counted again).
    private async ValueTask<ApiKeyAuthentication> LookUpWhileBlockedAsync(HttpContext context, IPAddress? address, ApiKeyVerifier.CacheMiss miss, ApiKeyAuthentication blocked)
    {
        Interlocked.Increment(ref blockedLookupsStarted);
        Interlocked.Increment(ref blockedLookupsInFlight);
        try
        {
            await blockedLookups.WaitAsync(context.RequestAborted);
            try
            {
                var verification = await verifier.LookUpAsync(miss.CacheKey, miss.Hash, context.RequestAborted);
                return verification.Key is null ? blocked : Complete(context, address, verification);
            }
            finally
            {
                blockedLookups.Release();
            }
        }
        finally
        {
            Interlocked.Decrement(ref blockedLookupsInFlight);
        }
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
        return new ApiKeyAuthentication(new ClaimsPrincipal(key.Identity), ApiKeyFailure.None, default, key);
    }

    private ApiKeyAuthentication Reject(IPAddress? address, ApiKeyRejection rejection)
    {
        limiter.RecordFailure(address);
        LogRejected(logger, rejection, address?.ToString());
        return new ApiKeyAuthentication(null, ApiKeyFailure.Rejected, default, Rejection: rejection);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "API key rejected ({Rejection}) from {ClientAddress}")]
    private static partial void LogRejected(ILogger logger, ApiKeyRejection rejection, string? clientAddress);
}
