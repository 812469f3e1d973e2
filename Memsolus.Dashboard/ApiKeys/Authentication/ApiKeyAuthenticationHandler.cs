using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.ApiKeys.Authentication;

// Design §3, step by step. Only the X-Api-Key header is ever read: never the query string,
// never Authorization. A rejected key is answered 401 with WWW-Authenticate and a problem body
// that does not say why, so a caller learns nothing about which keys exist.
public sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<ApiKeyAuthenticationOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyVerifier verifier,
    FailedAttemptLimiter limiter,
    ApiKeyUsageRecorder usage,
    TimeProvider clock,
    IProblemDetailsService problemDetails)
    : AuthenticationHandler<ApiKeyAuthenticationOptions>(options, loggerFactory, encoder)
{
    private static readonly object BlockedKey = new();

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var address = Context.Connection.RemoteIpAddress;
        if (limiter.IsBlocked(address, out var retryAfter))
        {
            Context.Items[BlockedKey] = retryAfter;
            return AuthenticateResult.Fail("Too many failed API key checks from this address.");
        }

        var values = Request.Headers[ApiKeyAuthenticationDefaults.HeaderName];
        if (values.Count == 0)
        {
            return AuthenticateResult.NoResult();
        }

        if (values.Count > 1)
        {
            return Reject(address, ApiKeyRejection.Malformed);
        }

        var (key, rejection, identified) = await verifier.VerifyAsync(values[0] ?? "", Context.RequestAborted);
        if (identified is not null)
        {
            // For request counting (Usage/), which also counts a known key's 401s against it.
            Context.Features.Set(identified);
        }

        if (key is null)
        {
            return Reject(address, rejection);
        }

        usage.Record(key.Id, clock.GetUtcNow());

        var principal = new ClaimsPrincipal(key.Identity);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[BlockedKey] is TimeSpan retryAfter)
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await WriteProblemAsync(StatusCodes.Status429TooManyRequests, "Too many requests",
                "Too many failed API key checks from this address. Try again later.");
            return;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = ApiKeyAuthenticationDefaults.WwwAuthenticate;
        await WriteProblemAsync(StatusCodes.Status401Unauthorized, "Unauthorized",
            $"Send a valid, active API key in the {ApiKeyAuthenticationDefaults.HeaderName} header.");
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden", "This API key may not do this.");
    }

    private AuthenticateResult Reject(System.Net.IPAddress? address, ApiKeyRejection rejection)
    {
        limiter.RecordFailure(address);
        LogRejected(Logger, rejection, address?.ToString());
        return AuthenticateResult.Fail("Invalid API key.");
    }

    private Task WriteProblemAsync(int status, string title, string detail) =>
        problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        }).AsTask();

    [LoggerMessage(Level = LogLevel.Information, Message = "API key rejected ({Rejection}) from {ClientAddress}")]
    private static partial void LogRejected(ILogger logger, ApiKeyRejection rejection, string? clientAddress);
}
