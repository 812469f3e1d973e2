namespace Memsolus.Dashboard.ApiKeys;

public sealed record Permission(string Name, string Resource, string Description);
