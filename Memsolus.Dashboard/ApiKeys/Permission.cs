namespace Memsolus.Dashboard.ApiKeys;

internal sealed record Permission(string Name, string Resource, string Description);
