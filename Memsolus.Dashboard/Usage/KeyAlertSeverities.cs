namespace Memsolus.Dashboard.Usage;

internal static class KeyAlertSeverities
{
    public const string Error = "error";
    public const string Warning = "warning";
    public const string Info = "info";

    public static IReadOnlyList<string> All { get; } = [Error, Warning, Info];
}
