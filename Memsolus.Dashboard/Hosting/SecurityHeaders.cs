using Memsolus.Dashboard.Api;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Primitives;
using Scalar.AspNetCore;

namespace Memsolus.Dashboard.Hosting;

// The security headers of every response, set in this one place (docs/security.md, "Origins and
// headers"): pages, the Identity pages, static files, /api/v1 answers, error pages and 404s. They
// are written when the response starts, so nothing that runs later (the exception handler clears
// headers before it renders /Error, antiforgery writes its own X-Frame-Options, Blazor its own
// frame-ancestors) can leave a response without them or with a second, different policy.
internal static class SecurityHeaders
{
    // The dashboard's pages. Scripts come from this origin only: no inline script, no eval (App.razor
    // has no <ImportMap />, whose import map is an inline script, and no page has an on* attribute).
    // Styles allow 'unsafe-inline' because MudBlazor writes its theme as an inline <style> element
    // (MudThemeProvider) and sizes and positions popovers, dialogs and icons with style attributes;
    // inline styles cannot run code. img-src allows data: for the 2FA page's QR code (a PNG data URI).
    // connect-src 'self' covers the circuit's WebSocket to this origin and enhanced navigation.
    public const string PagePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; " +
        "frame-ancestors 'none'";

    // API answers are JSON or files, never a document that should load anything.
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'";

    public const string PermissionsPolicy =
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), magnetometer=(), gyroscope=(), " +
        "accelerometer=(), display-capture=()";

    private static readonly StringValues NoStore = "no-store";

    public static WebApplicationBuilder AddSecurityHeaders(this WebApplicationBuilder builder)
    {
        // X-Frame-Options is written here, for every response; antiforgery would write SAMEORIGIN.
        builder.Services.Configure<AntiforgeryOptions>(options => options.SuppressXFrameOptionsHeader = true);
        return builder;
    }

    // First in the pipeline, so every response passes through it, error pages included.
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use(static (context, next) =>
        {
            context.Response.OnStarting(static state => Write((HttpContext)state), context);
            return next(context);
        });
        return app;
    }

    private static Task Write(HttpContext context)
    {
        var headers = context.Response.Headers;
        var api = context.Request.Path.StartsWithSegments(ApiExtensions.BasePath);
        headers.ContentSecurityPolicy = api ? ApiPolicy : PagePolicyFor(context);
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = api ? "no-referrer" : "same-origin";
        headers["Permissions-Policy"] = PermissionsPolicy;
        if (api || context.GetEndpoint()?.Metadata.GetMetadata<ShowsSecretAttribute>() is not null)
        {
            // A key, a 2FA shared key or recovery codes must not be kept by the browser's or a
            // proxy's cache, nor come back from the back button after sign-out.
            headers.CacheControl = NoStore;
            headers.Pragma = "no-cache";
        }

        return Task.CompletedTask;
    }

    // The API reference page (Scalar) starts itself with one inline module script; Scalar puts a
    // fresh nonce on it per request (ApiDocs: WithNonce), and only that script is allowed.
    private static string PagePolicyFor(HttpContext context) =>
        context.Items.TryGetValue(ScalarOptions.NonceHttpContextItemKey, out var nonce) && nonce is string { Length: > 0 } value
            ? PagePolicy.Replace("script-src 'self'", $"script-src 'self' 'nonce-{value}'", StringComparison.Ordinal)
            : PagePolicy;
}
