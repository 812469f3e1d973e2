using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Usage;

internal static class UsageApi
{
    public static RouteGroupBuilder MapUsage(this RouteGroupBuilder api)
    {
        var dashboard = api.MapGroup("/dashboard").WithTags("Dashboard");

        dashboard.MapGet("/usage", async (HttpContext http, UsageStore usage) =>
            {
                var caller = ApiCaller.From(http);
                return TypedResults.Ok(await usage.GetAsync(caller.OwnerId, caller.Environment, http.RequestAborted));
            })
            .RequirePermission(Permissions.DashboardRead)
            .WithName("GetUsage")
            .WithSummary("Requests per key per UTC day over the last 30 days, by outcome, for the keys of the calling key's environment");

        dashboard.MapGet("/alerts", async (HttpContext http, KeyAlertStore hygiene) =>
            {
                var caller = ApiCaller.From(http);
                return TypedResults.Ok(new KeyAlertList(await hygiene.GetAlertsAsync(caller.OwnerId, caller.Environment, http.RequestAborted)));
            })
            .RequirePermission(Permissions.DashboardRead)
            .WithName("GetAlerts")
            .WithSummary("Key-hygiene alerts for the keys of the calling key's environment, most urgent first");

        return api;
    }
}
