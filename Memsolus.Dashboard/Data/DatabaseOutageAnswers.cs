using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc;

namespace Memsolus.Dashboard.Data;

// What a request that met a database outage (DatabaseOutage.IsOutage) is answered: 503 with
// Retry-After, never 500 and never a 200 with part of the data. The API gets problem+json
// (ApiMiddleware); every other request a small page of its own (DatabaseOutageMiddleware) that
// needs nothing the outage took away: no layout, no component, no database.
// See docs/security.md#when-the-database-is-down.
internal static partial class DatabaseOutageAnswers
{
    private static readonly string RetryAfter = DatabaseOutage.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);

    private static readonly byte[] Page = Encoding.UTF8.GetBytes($"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1.0" />
            <title>{DatabaseOutage.Title} · Memsolus</title>
        </head>
        <body>
            <main>
                <h1>{DatabaseOutage.Title}</h1>
                <p>{DatabaseOutage.Message.Replace("'", "&#39;", StringComparison.Ordinal)}</p>
                <p><a href="/">Try again</a></p>
            </main>
        </body>
        </html>
        """);

    public static async Task WriteProblemAsync(HttpContext context, IProblemDetailsService problems, ILogger logger, Exception exception)
    {
        Prepare(context, logger, exception);
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = DatabaseOutage.Title,
                Detail = $"The database cannot be reached right now. Try again in {DatabaseOutage.RetryAfterSeconds} seconds.",
            },
        });
    }

    public static async Task WritePageAsync(HttpContext context, ILogger logger, Exception exception)
    {
        Prepare(context, logger, exception);
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.ContentLength = Page.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(Page, context.RequestAborted);
        }
    }

    // One log line per request, at Warning: the path (never the query string, where a careless
    // client puts its key) and the exception, whose provider messages name no password.
    private static void Prepare(HttpContext context, ILogger logger, Exception exception)
    {
        LogOutage(logger, context.Request.Method, context.Request.Path.Value, exception);
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfter;
        context.Response.Headers.CacheControl = "no-store";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database cannot be reached: {Method} {Path} answered 503")]
    private static partial void LogOutage(ILogger logger, string method, string? path, Exception exception);
}
