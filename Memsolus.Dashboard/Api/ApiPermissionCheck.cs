namespace Memsolus.Dashboard.Api;

// Fails start-up when an /api/v1 endpoint declares no RequiredPermission: ApiMiddleware lets any
// valid key through an endpoint without one, so a forgotten declaration would open it to every key.
// It runs as a start-up filter, after the whole pipeline is configured, so endpoints added by any
// part of it are seen; the app then never starts serving.
internal sealed class ApiPermissionCheck : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        next(app);
        var undeclared = Undeclared(app.ApplicationServices.GetRequiredService<EndpointDataSource>().Endpoints);
        if (undeclared.Count > 0)
        {
            throw new InvalidOperationException(
                $"These {ApiExtensions.BasePath} endpoints declare no permission: {string.Join(", ", undeclared)}. " +
                "Add RequirePermission(...) or RequireAnyValidKey() to each.");
        }
    };

    internal static IReadOnlyList<string> Undeclared(IEnumerable<Endpoint> endpoints) =>
        [.. from endpoint in endpoints.OfType<RouteEndpoint>()
            where IsApi(endpoint.RoutePattern.RawText) && endpoint.Metadata.GetMetadata<RequiredPermission>() is null
            select endpoint.DisplayName ?? endpoint.RoutePattern.RawText];

    private static bool IsApi(string? pattern)
    {
        var path = "/" + (pattern ?? "").TrimStart('/');
        return path.Equals(ApiExtensions.BasePath, StringComparison.OrdinalIgnoreCase)
            || path.StartsWith(ApiExtensions.BasePath + "/", StringComparison.OrdinalIgnoreCase);
    }
}
