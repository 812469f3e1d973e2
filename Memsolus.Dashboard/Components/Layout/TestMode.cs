using Microsoft.AspNetCore.Mvc;

namespace Memsolus.Dashboard.Components.Layout;

// Test mode, as in Stripe: the app bar's "Test mode" switch decides whether the data screens
// (webhooks, exports, ingestion, memories, knowledge) show the live environment's data or the test
// environment's, the same split a test key sees through the API. The choice lives in a cookie, so
// it survives navigation and reload; interactive pages write it through wwwroot/test-mode.js, pages
// without a circuit post the switch's form here. It chooses which of the signed-in owner's own data
// is shown, nothing more, so a forged cookie reaches nothing the owner could not switch to.
internal static class TestMode
{
    public const string CookieName = "memsolus-test-mode";
    public const string On = "on";
    public const string Off = "off";
    public const string Path = "/test-mode";

    public static bool Read(HttpContext context) => context.Request.Cookies[CookieName] == On;

    public static WebApplication MapTestMode(this WebApplication app)
    {
        app.MapPost(Path, (HttpContext context, [FromForm] string? mode, [FromForm] string? returnUrl) =>
        {
            if (mode is not (On or Off))
            {
                return Results.Problem(
                    statusCode: StatusCodes.Status400BadRequest,
                    title: "Unknown mode",
                    detail: $"mode must be '{On}' or '{Off}'.");
            }

            return PreferenceCookie.KeepAndGoBack(context, CookieName, mode, returnUrl);
        });

        return app;
    }
}
