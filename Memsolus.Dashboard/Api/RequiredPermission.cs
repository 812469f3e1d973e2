namespace Memsolus.Dashboard.Api;

// The permission an endpoint requires, for its policy and for the OpenAPI document.
internal sealed record RequiredPermission(string Name);
