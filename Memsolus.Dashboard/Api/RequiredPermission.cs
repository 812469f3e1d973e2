namespace Memsolus.Dashboard.Api;

// What an /api/v1 endpoint requires, for ApiMiddleware and for the OpenAPI document: one permission
// from the catalogue, or AnyValidKey (a null Name) for an endpoint every valid key may call. Every
// endpoint under /api/v1 must carry one (ApiPermissionCheck fails start-up otherwise), so an endpoint
// that forgot to say is never open to any key.
internal sealed record RequiredPermission(string? Name)
{
    public static readonly RequiredPermission AnyValidKey = new((string?)null);
}
