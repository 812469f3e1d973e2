namespace Memsolus.Dashboard.ApiKeys;

internal sealed record PermissionGroup(string Resource, string Title, IReadOnlyList<Permission> Permissions);
