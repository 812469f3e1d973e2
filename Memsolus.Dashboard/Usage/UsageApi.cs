using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Authentication;

namespace Memsolus.Dashboard.Usage;

internal static class UsageApi
{
    public static WebApplicationBuilder AddUsage(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<UsageOptions>()
            .BindConfiguration(UsageOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<KeyHygieneOptions>()
            .BindConfiguration(KeyHygieneOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<UsageRecorder>();
        builder.Services.AddHostedService<UsageFlusher>();
        builder.Services.AddSingleton<UsageService>();
        builder.Services.AddSingleton<KeyHygieneService>();
        return builder;
    }

    // Counts every API request whose key the authentication handler identified, with the status
    // the caller finally got: the handler's own 401, 403 and 429, an endpoint's answer, and a
    // 500 for a failure. Requests that named no stored key (no header, junk, an unknown key, or
    // a client the failed-attempt limiter blocks before any lookup) have no owner to count for
    // and are not counted. Outermost in the API branch, so it sees what the exception handler
    // and the status-code pages make of the response.
    public static IApplicationBuilder UseUsageCounting(this IApplicationBuilder api)
    {
        var recorder = api.ApplicationServices.GetRequiredService<UsageRecorder>();
        return api.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch
            {
                Count(recorder, context, StatusCodes.Status500InternalServerError);
                throw;
            }

            Count(recorder, context, context.Response.StatusCode);
        });
    }

    private static void Count(UsageRecorder recorder, HttpContext context, int status)
    {
        if (context.Features.Get<IdentifiedApiKey>() is { } key)
        {
            context.Request.Path.StartsWithSegments(ApiEndpoints.BasePath, out var remainder);
            recorder.Count(key.KeyId, key.OwnerId, UsageGroups.Of(remainder), status);
        }
    }

    public static RouteGroupBuilder MapUsage(this RouteGroupBuilder api)
    {
        var dashboard = api.MapGroup("/dashboard").WithTags("Dashboard");

        dashboard.MapGet("/usage", async (HttpContext http, UsageService usage) =>
            {
                var caller = ApiCaller.From(http.User);
                return TypedResults.Ok(await usage.GetAsync(caller.OwnerId, caller.Environment, http.RequestAborted));
            })
            .RequirePermission(Permissions.DashboardRead)
            .WithName("GetUsage")
            .WithSummary("Requests per key per UTC day over the last 30 days, by outcome, for the keys of the calling key's environment");

        dashboard.MapGet("/alerts", async (HttpContext http, KeyHygieneService hygiene) =>
            {
                var caller = ApiCaller.From(http.User);
                return TypedResults.Ok(new KeyAlertList(await hygiene.GetAlertsAsync(caller.OwnerId, caller.Environment, http.RequestAborted)));
            })
            .RequirePermission(Permissions.DashboardRead)
            .WithName("GetAlerts")
            .WithSummary("Key-hygiene alerts for the keys of the calling key's environment, most urgent first");

        return api;
    }
}
