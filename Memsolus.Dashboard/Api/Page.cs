namespace Memsolus.Dashboard.Api;

internal sealed record Page<T>(IReadOnlyList<T> Data, string? NextCursor);
