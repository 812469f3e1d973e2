using Microsoft.AspNetCore.Mvc;

namespace Memsolus.Dashboard.Components.Layout;

// Dark mode, decided on the server so the first paint of every page is already right (no flash of
// the other theme): the choice made with the app bar's toggle (a cookie), else the system's setting
// as the browser reports it. Chromium sends that as the Sec-CH-Prefers-Color-Scheme client hint once
// asked (Accept-CH; not Critical-CH, whose retry is a header-less internal redirect), other browsers
// through a cookie wwwroot/color-scheme.js writes on every page: either way from the second page on. Interactive pages then follow a change of the system's setting live (MainLayout).
internal static class ColorScheme
{
    public const string CookieName = "memsolus-color-scheme";
    public const string SystemCookieName = "memsolus-system-color-scheme";
    public const string Dark = "dark";
    public const string Light = "light";
    public const string Path = "/color-scheme";

    private const string HintHeader = "Sec-CH-Prefers-Color-Scheme";

    // Whether the page is dark, and whether that was chosen (else it is the system's setting).
    public static (bool IsDark, bool Chosen) Read(HttpContext context)
    {
        var cookies = context.Request.Cookies;
        if (Parse(cookies[CookieName]) is { } chosen)
        {
            return (chosen, true);
        }

        // A structured-header string: "dark" with its quotes.
        var hint = context.Request.Headers[HintHeader].ToString().Trim('"');
        return (Parse(hint) ?? Parse(cookies[SystemCookieName]) ?? false, false);
    }

    // Pages (not the API, not static files) ask for the hint and say that they depend on it.
    public static WebApplication UseColorSchemeHint(this WebApplication app)
    {
        app.Use(static (context, next) =>
        {
            if (HttpMethods.IsGet(context.Request.Method) && !context.Request.Path.StartsWithSegments(Api.ApiExtensions.BasePath))
            {
                context.Response.OnStarting(static state =>
                {
                    var response = ((HttpContext)state).Response;
                    if (response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
                    {
                        response.Headers["Accept-CH"] = HintHeader;
                        response.Headers.Append("Vary", HintHeader);
                    }

                    return Task.CompletedTask;
                }, context);
            }

            return next(context);
        });
        return app;
    }

    // The toggle's form, for pages without an interactive circuit (the account pages, or any page
    // before its circuit is up): stores the choice and goes back to the page.
    public static WebApplication MapColorScheme(this WebApplication app)
    {
        app.MapPost(Path, (HttpContext context, [FromForm] string? scheme, [FromForm] string? returnUrl) =>
        {
            if (Parse(scheme) is not { } dark)
            {
                return Results.Problem(
                    statusCode: StatusCodes.Status400BadRequest,
                    title: "Unknown colour scheme",
                    detail: $"scheme must be '{Dark}' or '{Light}'.");
            }

            return PreferenceCookie.KeepAndGoBack(context, CookieName, dark ? Dark : Light, returnUrl);
        });

        return app;
    }

    private static bool? Parse(string? value) => value switch
    {
        Dark => true,
        Light => false,
        _ => null,
    };
}
