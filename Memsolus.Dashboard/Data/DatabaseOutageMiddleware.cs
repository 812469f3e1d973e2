namespace Memsolus.Dashboard.Data;

// Dashboard pages (server-rendered, or an interactive page's prerender) and the account
// endpoints that meet a database outage answer the outage page with 503 rather than going on to
// the error page (500) or the developer page. API requests never get here with one: ApiMiddleware
// answers them with problem+json. An answer already under way cannot be changed and is left to
// the framework. See docs/security.md#when-the-database-is-down.
internal sealed class DatabaseOutageMiddleware(RequestDelegate next, ILogger<DatabaseOutageMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception exception) when (!context.Response.HasStarted && DatabaseOutage.IsOutage(exception))
        {
            await DatabaseOutageAnswers.WritePageAsync(context, logger, exception);
        }
    }
}
