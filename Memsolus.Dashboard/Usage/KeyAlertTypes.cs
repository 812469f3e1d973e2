namespace Memsolus.Dashboard.Usage;

internal static class KeyAlertTypes
{
    public const string FailedRequests = "failed_requests";
    public const string FullAccess = "full_access";
    public const string ExpiringSoon = "expiring_soon";
    public const string RotationDue = "rotation_due";
    public const string Unused = "unused";
    public const string NeverUsed = "never_used";

    public static IReadOnlyList<string> All { get; } = [FailedRequests, FullAccess, ExpiringSoon, RotationDue, Unused, NeverUsed];
}
