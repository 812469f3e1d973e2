namespace Memsolus.Dashboard.ApiKeys;

public sealed record MeDto(Guid Id, string Name, string Environment, IReadOnlyList<string> Permissions, DateTimeOffset? ExpiresAt);
