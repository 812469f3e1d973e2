using Memsolus.Dashboard.ApiKeys.Authentication;
using Memsolus.Dashboard.Usage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Memsolus.Dashboard.Api;

// Everything the API adds around its endpoints, in one step so that a request pays for one
// middleware, not a branch of five (issue 7: a key-checked request should cost what an anonymous
// one does). For requests under /api/v1:
// - bodies over the endpoint's limit are refused with 413 before they are read, and bodies sent
//   without a length are cut off at the same size;
// - an unexpected exception becomes a 500 problem+json, never the dashboard's HTML error page
//   nor the developer page (which would echo the caller's X-Api-Key header);
// - an error status an endpoint or routing set without a body (404, 405, 415…) gets a problem body;
// - the request is counted for the key that made it (Usage/).
internal sealed partial class ApiMiddleware(RequestDelegate next, UsageRecorder usage, IProblemDetailsService problems, ILogger<ApiMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context) =>
        context.Request.Path.StartsWithSegments(ApiEndpoints.BasePath, out var remainder)
            ? InvokeApiAsync(context, remainder)
            : next(context);

    private async Task InvokeApiAsync(HttpContext context, PathString remainder)
    {
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != false)
        {
            var maxBytes = ApiEndpoints.MaxRequestBodyBytesFor(context);
            if (context.Request.ContentLength > maxBytes)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                await WriteProblemAsync(context, StatusCodes.Status413PayloadTooLarge, ApiEndpoints.TooLargeDetail(maxBytes));
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
                StatusCodes.Status413PayloadTooLarge => ApiEndpoints.TooLargeDetail(ApiEndpoints.MaxRequestBodyBytesFor(context)),
                StatusCodes.Status404NotFound => "There is no such API endpoint.",
                _ => null,
            });
        }

        Count(context, remainder);
    }

    private void Count(HttpContext context, PathString remainder, int? status = null)
    {
        if (context.Features.Get<IdentifiedApiKey>() is { } key)
        {
            usage.Count(key.KeyId, key.OwnerId, UsageGroups.Of(remainder), status ?? context.Response.StatusCode);
        }
    }

    // A client that accepts no JSON at all gets the status code alone.
    private ValueTask<bool> WriteProblemAsync(HttpContext context, int status, string? detail) =>
        problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Detail = detail },
        });

    [LoggerMessage(Level = LogLevel.Error, Message = "An unhandled exception has occurred while executing an API request.")]
    private static partial void LogUnhandled(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The client closed the API request before it was answered.")]
    private static partial void LogAborted(ILogger logger);
}
