namespace Memsolus.Dashboard.Usage;

// The endpoint group of a request: the first path segment after /api/v1. Only the groups the
// API has are kept; any other path counts as "other", so a caller sending made-up paths cannot
// grow the counters beyond a fixed set.
internal static class UsageGroups
{
    public const int MaxLength = 16;
    public const string Other = "other";

    public static IReadOnlyList<string> All { get; } =
        ["me", "memories", "knowledge", "exports", "ingest", "webhooks", "dashboard", Other];

    public static string Of(PathString remainder)
    {
        var path = remainder.Value.AsSpan().TrimStart('/');
        var end = path.IndexOf('/');
        var segment = end < 0 ? path : path[..end];
        foreach (var group in All)
        {
            if (segment.Equals(group, StringComparison.OrdinalIgnoreCase))
            {
                return group;
            }
        }

        return Other;
    }
}
