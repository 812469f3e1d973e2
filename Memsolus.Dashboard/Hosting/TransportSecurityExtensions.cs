using Memsolus.Dashboard.Api;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Hosting;

// How requests reach the app (docs/security.md, "Behind a proxy and HTTPS"): who may say where a
// request really came from, and HTTPS outside Development.
// - Forwarded headers (X-Forwarded-For, X-Forwarded-Proto) are believed from the proxies listed in
//   ForwardedHeaders:KnownProxies and KnownNetworks only, and first of all, so that the
//   failed-attempt limiter, the key check, usage, the audit log and the HTTPS rules below see the
//   real client and scheme. With none listed the middleware is not even added.
// - Outside Development every cookie is Secure, HSTS is sent over HTTPS, and dashboard pages
//   redirect plain HTTP to HTTPS. The API never redirects (the key has already crossed the
//   network in clear text by then): Api:RequireHttps answers it 403 in ApiMiddleware. Health
//   endpoints answer over plain HTTP, for load balancers probing a node directly. A page that
//   cannot be redirected (an unlisted TLS proxy, no known HTTPS port) is 400, never a 500:
//   PlainHttpPageGuard.
internal static class TransportSecurityExtensions
{
    public const string HealthPath = "/health";

    public static WebApplicationBuilder AddTransportSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<TrustedProxyOptions>(TrustedProxyOptions.SectionName)
            .PostConfigure<IConfiguration>(AcceptCommaSeparatedLists);
        services.AddOptions<ForwardedHeadersOptions>()
            .Configure<IOptions<TrustedProxyOptions>>((forwarded, trusted) => TrustOnly(forwarded, trusted.Value));

        if (!builder.Environment.IsDevelopment())
        {
            // Every cookie scheme Identity adds (sign-in, external, two-factor), antiforgery, and
            // through the cookie policy any other (the status message cookie): Secure, whatever the
            // request's scheme. Over plain HTTP, antiforgery refuses to work at all with this; the
            // redirect below (or a proxy's X-Forwarded-Proto) means a page never sees plain HTTP.
            services.PostConfigureAll<CookieAuthenticationOptions>(options => options.Cookie.SecurePolicy = CookieSecurePolicy.Always);
            services.Configure<AntiforgeryOptions>(options => options.Cookie.SecurePolicy = CookieSecurePolicy.Always);
            services.Configure<CookiePolicyOptions>(options => options.Secure = CookieSecurePolicy.Always);
        }

        return builder;
    }

    // First in the pipeline: everything after it sees the client and scheme the trusted proxy saw.
    public static WebApplication UseTransportSecurity(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<TrustedProxyOptions>>().Value.Any)
        {
            app.UseForwardedHeaders();
        }

        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
            var guard = ActivatorUtilities.CreateInstance<PlainHttpPageGuard>(app.Services);
            app.UseWhen(IsDashboard, dashboard =>
            {
                dashboard.Use(guard.RefuseUnlistedProxyAsync);
                dashboard.UseHttpsRedirection();
                dashboard.Use(guard.RefuseWhenNotRedirectedAsync);
                dashboard.UseCookiePolicy();
            });
        }

        return app;
    }

    // Everything but the API (which is refused, never redirected) and the health endpoints.
    private static bool IsDashboard(HttpContext context) =>
        !context.Request.Path.StartsWithSegments(ApiExtensions.BasePath)
        && !context.Request.Path.StartsWithSegments(HealthPath);

    private static void TrustOnly(ForwardedHeadersOptions forwarded, TrustedProxyOptions trusted)
    {
        // Not X-Forwarded-Host: links are built on Email:PublicBaseUrl, never on the request's
        // host, and a proxy that passes a client's own X-Forwarded-Host on would let anyone choose it.
        forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;

        // Every hop from the right while the hop that sent it is a listed proxy: the first address
        // no listed proxy vouches for is the client (the default, 1, would stop at the first of
        // two proxies). What a client writes into X-Forwarded-For itself is left of that and ignored.
        forwarded.ForwardLimit = null;

        // ASP.NET trusts loopback unless told otherwise: only what is configured counts.
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var proxy in trusted.ProxyAddresses())
        {
            forwarded.KnownProxies.Add(proxy);
        }

        foreach (var network in trusted.Networks())
        {
            forwarded.KnownIPNetworks.Add(network);
        }
    }

    // ForwardedHeaders__KnownProxies=10.0.0.2,10.0.0.3 (one environment variable) as well as a list.
    private static void AcceptCommaSeparatedLists(TrustedProxyOptions options, IConfiguration configuration)
    {
        options.KnownProxies = Split(options.KnownProxies, configuration[$"{TrustedProxyOptions.SectionName}:{nameof(TrustedProxyOptions.KnownProxies)}"]);
        options.KnownNetworks = Split(options.KnownNetworks, configuration[$"{TrustedProxyOptions.SectionName}:{nameof(TrustedProxyOptions.KnownNetworks)}"]);
    }

    // Empty entries are kept, so that validation names them (TrustedProxyOptions).
    private static List<string> Split(List<string> entries, string? scalar) =>
        [.. (scalar is null ? entries : entries.Append(scalar)).SelectMany(e => (e ?? "").Split(',', StringSplitOptions.TrimEntries)).Distinct()];
}
