using System.Net;

namespace Memsolus.Dashboard.Hosting;

// Outside Development a dashboard page must never be served over plain HTTP: its antiforgery
// cookie is Secure, and ASP.NET throws (a 500) rather than issue one over HTTP. The redirect to
// HTTPS covers a browser that typed http://, but two deployments never reach HTTPS that way, and
// both are answered 400 with a page that says what to change, and one warning in the log each:
// - behind a TLS-terminating proxy that is not listed in ForwardedHeaders:*, the request still
//   carries the proxy's X-Forwarded-Proto (the forwarded-headers middleware only consumes a
//   listed proxy's). Redirecting would loop (the proxy sends the https request on as http again);
// - a server that does not know its own HTTPS port (no https endpoint, no HTTPS_PORT): the
//   redirect middleware lets the request through, and the page would fail.
internal sealed partial class PlainHttpPageGuard(ILogger<PlainHttpPageGuard> logger)
{
    private const string Guide = "docs/security.md, \"Behind a proxy and HTTPS\"";

    private int warnedUnlistedProxy;
    private int warnedNoHttpsPort;

    // Before the redirect: plain HTTP that names a scheme no listed proxy vouched for.
    public Task RefuseUnlistedProxyAsync(HttpContext context, Func<Task> next)
    {
        if (context.Request.IsHttps || !context.Request.Headers.ContainsKey("X-Forwarded-Proto"))
        {
            return next();
        }

        if (Interlocked.Exchange(ref warnedUnlistedProxy, 1) == 0)
        {
            LogUnlistedProxy(logger, context.Connection.RemoteIpAddress);
        }

        return RefuseAsync(
            context,
            "This request came through a proxy the dashboard does not trust.",
            "The dashboard is served over HTTPS only. The request arrived over plain HTTP from a proxy that sent X-Forwarded-Proto, "
            + "but that proxy is not listed, so its word is not taken. If it terminates TLS, list its address under "
            + "ForwardedHeaders:KnownProxies (or its network under ForwardedHeaders:KnownNetworks).");
    }

    // After the redirect: still plain HTTP means the redirect did not know where to send it.
    public Task RefuseWhenNotRedirectedAsync(HttpContext context, Func<Task> next)
    {
        if (context.Request.IsHttps)
        {
            return next();
        }

        if (Interlocked.Exchange(ref warnedNoHttpsPort, 1) == 0)
        {
            LogNoHttpsPort(logger);
        }

        return RefuseAsync(
            context,
            "This page is served over HTTPS only.",
            "The request arrived over plain HTTP and the server does not know its HTTPS address to redirect to. Open the https:// address. "
            + "Operators: give the server an HTTPS endpoint or set HTTPS_PORT, or, behind a TLS-terminating proxy, list the proxy under "
            + "ForwardedHeaders:KnownProxies or ForwardedHeaders:KnownNetworks.");
    }

    private static Task RefuseAsync(HttpContext context, string title, string text)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(
            $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>HTTPS required</title></head>
            <body><h1>{WebUtility.HtmlEncode(title)}</h1><p>{WebUtility.HtmlEncode(text)}</p><p>See {WebUtility.HtmlEncode(Guide)}.</p></body></html>
            """);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A dashboard request from {Peer} arrived over plain HTTP with X-Forwarded-Proto, but that address is not listed in ForwardedHeaders:KnownProxies or ForwardedHeaders:KnownNetworks: such requests are answered 400 until it is (logged once).")]
    private static partial void LogUnlistedProxy(ILogger logger, IPAddress? peer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A dashboard request arrived over plain HTTP and there is no HTTPS port to redirect it to (no https endpoint, no HTTPS_PORT): such requests are answered 400. Set HTTPS_PORT, or list the TLS-terminating proxy under ForwardedHeaders:KnownProxies or ForwardedHeaders:KnownNetworks (logged once).")]
    private static partial void LogNoHttpsPort(ILogger logger);
}
