using System.Globalization;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Verification;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Usage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Api;

// Everything the API adds around its endpoints, in one step so that a request pays for one
// middleware, not a branch of five plus ASP.NET's authentication and authorization machinery
// (a key-checked request should cost what an anonymous one does: docs/performance.md). For requests under
// /api/v1:
// - with Api:RequireHttps, a plain-HTTP request is refused with 403 before anything else is read
//   (the API never redirects; HTTPS behind a proxy is its trusted X-Forwarded-Proto);
// - bodies over the endpoint's limit are refused with 413 before they are read, and bodies sent
//   without a length are cut off at the same size;
// - the key is checked (ApiKeyAuthenticator, checks 1 to 4 in docs/security.md): 401 with WWW-Authenticate
//   and one body whatever the reason, or 429 with Retry-After when the client's address has
//   failed too often; then the endpoint's RequiredPermission (step 5): 403 naming it (and naming
//   key_quarantined when quarantine holds the permission back). Requests
//   for no endpoint (404, 405) need a valid key too, so the API's shape is not shown to anyone;
//   a key with an IP allowlist used from elsewhere is 403 ip_not_allowed, before its permissions;
//   then the key's rate limit (RequestRateLimiter): 429 with Retry-After over it, and on every
//   response of a limited key the RateLimit-Policy and RateLimit headers;
// - a body in another charset than UTF-8 is refused with 415, and a JSON body holding text no
//   provider can store with 400 naming the field (JsonRequestBody);
// - a database outage becomes a 503 problem+json with Retry-After (Data/DatabaseOutage);
// - an unexpected exception becomes a 500 problem+json, never the dashboard's HTML error page
//   nor the developer page (which would echo the caller's X-Api-Key header);
// - an error status an endpoint or routing set without a body (404, 405, 415…) gets a problem body;
// - the request is counted for the key that made it (Usage/).
internal sealed partial class ApiMiddleware(
    RequestDelegate next,
    ApiKeyAuthenticator authenticator,
    RequestRateLimiter rateLimiter,
    FirstUseRetirement retirement,
    RequestCountRecorder usage,
    ApiKeyMetrics metrics,
    IProblemDetailsService problems,
    IOptions<ApiOptions> options,
    ILogger<ApiMiddleware> logger)
{
    // The problem's "code" of each refusal a valid key can get (docs/api.md): a quarantined key asking for
    // a permission quarantine holds back, a key over its rate limit, a request from outside its allowlist.
    public const string QuarantinedCode = "key_quarantined";
    public const string RateLimitedCode = "rate_limited";
    public const string IpNotAllowedCode = "ip_not_allowed";

    private readonly bool requireHttps = options.Value.RequireHttps ?? true;

    public Task InvokeAsync(HttpContext context) =>
        context.Request.Path.StartsWithSegments(ApiExtensions.BasePath, out var remainder)
            ? InvokeApiAsync(context, remainder)
            : next(context);

    private async Task InvokeApiAsync(HttpContext context, PathString remainder)
    {
        if (requireHttps && !context.Request.IsHttps)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await WriteProblemAsync(context, StatusCodes.Status403Forbidden, "This API is served over HTTPS only: send the request to its https:// address.", "HTTPS required");
            return;
        }

        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != false)
        {
            var maxBytes = ApiExtensions.MaxRequestBodyBytesFor(context);
            if (context.Request.ContentLength > maxBytes)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                await WriteProblemAsync(context, StatusCodes.Status413PayloadTooLarge, ApiExtensions.TooLargeDetail(maxBytes));
                Count(context, remainder);
                return;
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = maxBytes;
            }

            context.Request.Body = new LimitedRequestBody(context.Request.Body, maxBytes);
        }

        try
        {
            if (!await AuthoriseAsync(context))
            {
                Count(context, remainder);
                return;
            }

            if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != false
                && await JsonRequestBody.RefusalAsync(context) is { } refusal)
            {
                await refusal.ExecuteAsync(context);
                Count(context, remainder);
                return;
            }

            await next(context);
        }
        catch (Exception exception) when (!context.Response.HasStarted)
        {
            if (exception is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
            {
                // The client went away; there is no one to answer.
                LogAborted(logger);
                context.Response.StatusCode = StatusCodes.Status499ClientClosedRequest;
                Count(context, remainder);
                return;
            }

            if (DatabaseOutage.IsOutage(exception))
            {
                // 503 with Retry-After: the database is down, not the request wrong (docs/security.md).
                await DatabaseOutageAnswers.WriteProblemAsync(context, problems, logger, exception);
                Count(context, remainder);
                return;
            }

            var status = exception is BadHttpRequestException badRequest ? badRequest.StatusCode : StatusCodes.Status500InternalServerError;
            if (status >= StatusCodes.Status500InternalServerError)
            {
                LogUnhandled(logger, exception);
            }

            context.Response.Clear();
            context.Response.StatusCode = status;
            await WriteProblemAsync(context, status, null);
            Count(context, remainder);
            return;
        }
        catch
        {
            Count(context, remainder, StatusCodes.Status500InternalServerError);
            throw;
        }

        var response = context.Response;
        if (response.StatusCode >= StatusCodes.Status400BadRequest && !response.HasStarted
            && response.ContentLength is null && string.IsNullOrEmpty(response.ContentType))
        {
            await WriteProblemAsync(context, response.StatusCode, response.StatusCode switch
            {
                StatusCodes.Status400BadRequest => "The request could not be read: check that the body is valid JSON of the documented shape.",
                StatusCodes.Status413PayloadTooLarge => ApiExtensions.TooLargeDetail(ApiExtensions.MaxRequestBodyBytesFor(context)),
                StatusCodes.Status404NotFound => "There is no such API endpoint.",
                _ => null,
            });
        }

        Count(context, remainder);
    }

    // True when the request may go on to its endpoint; otherwise the answer has been written.
    private async ValueTask<bool> AuthoriseAsync(HttpContext context)
    {
        var authentication = await authenticator.AuthenticateAsync(context);
        if (authentication.Principal is not { } principal)
        {
            metrics.Check(ApiKeyMetrics.OutcomeOf(authentication.Failure, authentication.Rejection));
            if (authentication.Failure == ApiKeyFailure.Blocked)
            {
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(authentication.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await WriteProblemAsync(context, StatusCodes.Status429TooManyRequests, "Too many failed API key checks from this address. Try again later.", "Too many requests");
                return false;
            }

            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = ApiKeyHeader.WwwAuthenticate;
            await WriteProblemAsync(context, StatusCodes.Status401Unauthorized, $"Send a valid, active API key in the {ApiKeyHeader.Name} header.", "Unauthorized");
            return false;
        }

        // Only the key's principal: whatever else authenticated the request (a dashboard cookie) does not count.
        context.User = principal;
        var key = authentication.Key!;

        // The key's IP allowlist, before its permissions (an outsider learns nothing about them, nor
        // about the key's rate limit). The address is the one the forwarded-headers settings
        // established (Hosting/), never a header read here: a client cannot talk its way in.
        if (!key.AllowsAddress(context.Connection.RemoteIpAddress))
        {
            metrics.Check(ApiKeyCheckOutcome.IpNotAllowed);
            await WriteIpNotAllowedAsync(context);
            return false;
        }

        var limited = key.RequestsPerMinute is null ? null : key;
        if (context.GetEndpoint()?.Metadata.GetMetadata<RequiredPermission>() is { Name: { } required }
            && !principal.HasClaim(ApiKeyClaimTypes.Permission, required))
        {
            if (limited is not null)
            {
                // Refused before the limit: spends nothing, but the client still learns where it stands.
                SetRateLimitHeaders(context, rateLimiter.TryAcquire(limited.Id, limited.RequestsPerMinute!.Value, take: false));
            }

            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            // A quarantined key's identity holds only its read permissions: it is asked why only here,
            // on the way to a 403, so other keys pay nothing for quarantine.
            var quarantined = key.Withholds(required);
            metrics.Check(quarantined ? ApiKeyCheckOutcome.Quarantined : ApiKeyCheckOutcome.Forbidden);
            var problem = new ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "Forbidden",
                Detail = quarantined
                    ? $"This API key is quarantined: only its read permissions work, so it may not use {required}. Its owner can restore it on the API Keys page."
                    : $"This API key lacks the {required} permission.",
            };
            if (quarantined)
            {
                problem.Extensions["code"] = QuarantinedCode;
            }

            problem.Extensions["requiredPermission"] = required;
            await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
            return false;
        }

        // A key without a limit pays the one test above.
        if (limited is not null)
        {
            var limit = limited.RequestsPerMinute!.Value;
            var decision = rateLimiter.TryAcquire(limited.Id, limit);
            SetRateLimitHeaders(context, decision);
            if (!decision.Allowed)
            {
                metrics.Check(ApiKeyCheckOutcome.Limited);
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = decision.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                var problem = new ProblemDetails
                {
                    Status = StatusCodes.Status429TooManyRequests,
                    Title = "Too many requests",
                    Detail = $"This API key is limited to {limit} requests per minute. Try again in {decision.RetryAfterSeconds} s.",
                };
                problem.Extensions["code"] = RateLimitedCode;
                await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
                return false;
            }
        }

        metrics.Check(ApiKeyCheckOutcome.Ok);

        // A rotation "When the new key is first used": this request, if it succeeds, stops the old key.
        if (key.RetiresPredecessor)
        {
            retirement.Watch(context, key.Id);
        }

        return true;
    }

    // The IETF draft's structured-field form (docs/security.md, "Per-key rate limits").
    private static void SetRateLimitHeaders(HttpContext context, RateLimitDecision decision)
    {
        var headers = context.Response.Headers;
        headers["RateLimit-Policy"] = decision.Policy;
        headers["RateLimit"] = decision.RateLimit;
    }

    private async Task WriteIpNotAllowedAsync(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        var seen = address is null ? "unknown" : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status403Forbidden,
            Title = "Forbidden",
            Detail = $"This API key may not be used from {seen}. If this address is yours, its owner can add it under \"Allowed IP addresses\" in the key's settings (Settings → API Keys → Edit).",
        };
        problem.Extensions["code"] = IpNotAllowedCode;
        problem.Extensions["clientAddress"] = seen;
        await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }

    private void Count(HttpContext context, PathString remainder, int? status = null)
    {
        if (context.Features.Get<IdentifiedApiKey>() is { } key)
        {
            usage.Count(key.KeyId, key.OwnerId, UsageGroups.Of(remainder), status ?? context.Response.StatusCode);
        }
    }

    // A client that accepts no JSON at all gets the status code alone.
    private ValueTask<bool> WriteProblemAsync(HttpContext context, int status, string? detail, string? title = null) =>
        problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });

    [LoggerMessage(Level = LogLevel.Error, Message = "An unhandled exception has occurred while executing an API request.")]
    private static partial void LogUnhandled(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The client closed the API request before it was answered.")]
    private static partial void LogAborted(ILogger logger);
}
