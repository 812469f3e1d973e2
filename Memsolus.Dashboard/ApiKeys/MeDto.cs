namespace Memsolus.Dashboard.ApiKeys;

internal sealed record MeDto(Guid Id, string Name, string Environment, IReadOnlyList<string> Permissions, DateTimeOffset? ExpiresAt);
