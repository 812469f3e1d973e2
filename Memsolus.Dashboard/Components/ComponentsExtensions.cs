using Memsolus.Dashboard.Hosting;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using MudBlazor.Services;

namespace Memsolus.Dashboard.Components;

internal static partial class ComponentsExtensions
{
    public static WebApplicationBuilder AddComponents(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents()
            .AddInteractiveServerComponents();
        builder.Services.AddValidatedOptions<DashboardOptions>(DashboardOptions.SectionName);
        builder.Services.PostConfigure<LoggerFilterOptions>(KeepCircuitArgumentsOutOfLogs);
        builder.Services.AddMudServices(options =>
        {
            // Fully opaque and without fades: a half-transparent snackbar fails text contrast (WCAG AA).
            options.SnackbarConfiguration.MaximumOpacity = 100;
            options.SnackbarConfiguration.ShowTransitionDuration = 0;
            options.SnackbarConfiguration.HideTransitionDuration = 0;
            options.SnackbarConfiguration.VisibleStateDuration = 5000;
        });
        return builder;
    }

    // Everything typed into an interactive page reaches the server as a SignalR hub invocation,
    // and SignalR logs each invocation's arguments at Debug: a key pasted into the admin search
    // would land in the log of anyone who turns SignalR logging up. That category never logs
    // below Information, whatever the configuration, for every provider.
    private const string HubDispatcherCategory = "Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher";

    // The same for the request lines ASP.NET Core writes at Information ("Request starting GET
    // …/api/v1/me?api_key=…"): they carry the query string, where a careless client puts its key.
    // That category never logs below Warning, whatever the configuration, for every provider.
    private const string RequestLinesCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    private static void KeepCircuitArgumentsOutOfLogs(LoggerFilterOptions options)
    {
        var providers = options.Rules.Select(r => r.ProviderName).Distinct().ToList();
        if (!providers.Contains(null))
        {
            providers.Add(null);
        }

        foreach (var provider in providers)
        {
            options.Rules.Add(new LoggerFilterRule(provider, HubDispatcherCategory, LogLevel.Information, filter: null));
            options.Rules.Add(new LoggerFilterRule(provider, RequestLinesCategory, LogLevel.Warning, filter: null));
        }
    }

    public static WebApplication UseErrorPages(this WebApplication app)
    {
        if (app.Environment.IsDevelopment())
        {
            app.UseMigrationsEndPoint();
        }
        else
        {
            // HSTS and the redirect to HTTPS: Hosting/TransportSecurityExtensions.
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        }

        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);

        // Only a page request (GET or HEAD) is re-run as the "not found" page: re-running a refused
        // form post would meet the antiforgery check again, which throws once it has failed (a 500
        // for a post without a valid token). A refused post keeps its bare 4xx.
        app.Use(static (context, next) =>
        {
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
                && context.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
            {
                statusCodePages.Enabled = false;
            }

            return next(context);
        });
        AnnounceAddresses(app);
        return app;
    }

    // Before the endpoints, so that /_blazor refuses a foreign Origin before SignalR runs.
    public static WebApplication UseCircuitOrigin(this WebApplication app)
    {
        app.UseMiddleware<CircuitOrigin>();
        return app;
    }

    public static WebApplication MapComponents(this WebApplication app)
    {
        app.MapStaticAssets();
        // frame-ancestors is part of the one policy Hosting/SecurityHeaders writes ('none'), so
        // Blazor does not add a second Content-Security-Policy header of its own ('self').
        app.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode(options => options.ContentSecurityFrameAncestorsPolicy = null);
        return app;
    }

    // `dotnet run` should end with the address to open, in words a newcomer can act on.
    private static void AnnounceAddresses(WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
            if (addresses is { Count: > 0 })
            {
                LogOpen(app.Logger, string.Join(" or ", addresses));
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Memsolus dashboard is running: open {Addresses} in your browser")]
    private static partial void LogOpen(ILogger logger, string addresses);
}
