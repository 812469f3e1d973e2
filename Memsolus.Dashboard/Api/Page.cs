namespace Memsolus.Dashboard.Api;

public sealed record Page<T>(IReadOnlyList<T> Data, string? NextCursor);
