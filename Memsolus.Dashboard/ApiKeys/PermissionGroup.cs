namespace Memsolus.Dashboard.ApiKeys;

public sealed record PermissionGroup(string Resource, string Title, IReadOnlyList<Permission> Permissions);
