namespace Memsolus.Dashboard.Usage;

// What to do about an alert, on the API Keys page. Null when nothing can be done to the key
// itself (it no longer works, or rotating would keep its fixed expiry date).
internal static class KeyAlertActions
{
    public const string Rotate = "rotate";
    public const string Revoke = "revoke";
    public const string Edit = "edit";

    public static IReadOnlyList<string> All { get; } = [Rotate, Revoke, Edit];
}
