using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Components;

// The dashboard's circuit belongs to its own origin. Every request to /_blazor (negotiate, the
// WebSocket, server-sent events, long polling, disconnect) that names a foreign Origin is answered
// 403 before SignalR sees it: otherwise any page another origin serves (a sibling subdomain,
// another port of the same host; SameSite=Lax stops only cross-site ones) could open a circuit with
// a signed-in visitor's cookie and read what it renders (cross-site WebSocket hijacking).
// Allowed: the origin the request is addressed to (its scheme, Host and port) and
// Dashboard:AllowedOrigins. A request without Origin passes: browsers send it on every WebSocket
// and every cross-origin fetch, so its absence means a same-origin GET or a client that is not a
// browser, which holds no visitor's cookie (docs/security.md, "Origins and headers").
// It must run in the pipeline itself, before the endpoints (Program.cs: UseCircuitOrigin), not in
// MapComponents: middleware added there would never run for /_blazor.
internal sealed partial class CircuitOrigin
{
    public const string HubPath = "/_blazor";

    private readonly RequestDelegate next;
    private readonly ILogger<CircuitOrigin> logger;
    private readonly HashSet<string> allowed;

    public CircuitOrigin(RequestDelegate next, IOptions<DashboardOptions> options, ILogger<CircuitOrigin> logger)
    {
        this.next = next;
        this.logger = logger;
        allowed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in options.Value.AllowedOrigins)
        {
            allowed.Add(TryNormalise(entry, out var origin) ? origin : throw new InvalidOperationException($"Not an origin: {entry}"));
        }
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(HubPath))
        {
            return next(context);
        }

        var origin = context.Request.Headers.Origin;
        if (origin.Count == 0 || (origin.Count == 1 && IsAllowed(origin[0], context.Request)))
        {
            return next(context);
        }

        return RefuseAsync(context, origin.ToString());
    }

    // An origin as browsers compare them: scheme, host (IDNA, lower case) and port, default ports
    // written out. Only http and https, with nothing after the port but an optional "/".
    internal static bool TryNormalise(string? text, out string origin)
    {
        origin = "";
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https")
            || uri.HostNameType is UriHostNameType.Unknown or UriHostNameType.Basic
            || uri.UserInfo.Length > 0
            || uri.AbsolutePath != "/"
            || uri.Query.Length > 0
            || uri.Fragment.Length > 0)
        {
            return false;
        }

        origin = $"{uri.Scheme}://{uri.IdnHost.ToLowerInvariant()}:{uri.Port}";
        return true;
    }

    private bool IsAllowed(string? origin, HttpRequest request) =>
        TryNormalise(origin, out var normalised)
        && (allowed.Contains(normalised)
            || (TryNormalise($"{request.Scheme}://{request.Host.ToUriComponent()}", out var own) && own == normalised));

    private async Task RefuseAsync(HttpContext context, string origin)
    {
        LogRefused(logger, origin, context.Request.Path);
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync("The dashboard's circuit is open to its own origin only.");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a request to the dashboard's circuit ({Path}) from origin {Origin}")]
    private static partial void LogRefused(ILogger logger, string origin, PathString path);
}
