using Memsolus.Dashboard.Api;
using Microsoft.AspNetCore.Authentication;

namespace Memsolus.Dashboard.Account;

// UseAuthentication for everything but /api/v1. The default scheme is the dashboard's sign-in
// cookie, which the API never accepts (check 6 in docs/security.md: ApiMiddleware authenticates API
// requests by their key alone). Reading a cookie the API would ignore cost every API request
// about a microsecond (measured: docs/performance.md), so API requests skip it.
internal static class AuthenticationOutsideApi
{
    // The key UseAuthentication sets; WebApplication adds its own UseAuthentication at the front
    // of the pipeline when it is missing.
    private const string AuthenticationMiddlewareSetKey = "__AuthenticationMiddlewareSet";

    public static WebApplication UseAuthenticationOutsideApi(this WebApplication app)
    {
        app.UseMiddleware<Middleware>();
        ((IApplicationBuilder)app).Properties[AuthenticationMiddlewareSetKey] = true;
        return app;
    }

    private sealed class Middleware(RequestDelegate next, IAuthenticationSchemeProvider schemes)
    {
        private readonly AuthenticationMiddleware authentication = new(next, schemes);

        public Task InvokeAsync(HttpContext context) =>
            context.Request.Path.StartsWithSegments(ApiExtensions.BasePath) ? next(context) : authentication.Invoke(context);
    }
}
