using System.Globalization;
using MudBlazor;

namespace Memsolus.Dashboard.ApiKeys;

// How keys read on every screen that lists them (owner's page, admin console, audit log).
internal static class ApiKeyDisplay
{
    public static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("MMM d, yyyy", CultureInfo.InvariantCulture);

    public static string Exact(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    // An expiry is the first moment a key stops working; the last day it works is the day before
    // a midnight expiry (a chosen date), or the same day otherwise.
    public static string LastDay(DateTimeOffset expires) => Day(expires.AddTicks(-1));

    public static string Environment(ApiKeyEnvironment environment) => environment == ApiKeyEnvironment.Live ? "Live" : "Test";

    public static string Permissions(ApiKeySummary key) =>
        key.IsFullAccess
            ? "Full access"
            : string.Join(", ", key.Permissions.Take(3)) + (key.Permissions.Count > 3 ? $" +{key.Permissions.Count - 3} more" : "");

    public static string StatusText(ApiKeyStatus status) => status switch
    {
        ApiKeyStatus.Active => "Active",
        ApiKeyStatus.ExpiresSoon => "Expires soon",
        ApiKeyStatus.Expired => "Expired",
        ApiKeyStatus.Rotated => "Rotated",
        ApiKeyStatus.Revoked => "Revoked",
        _ => status.ToString(),
    };

    // A quarantined key that still works: shown beside its status, on every screen that lists keys.
    public const string QuarantinedText = "Quarantined";

    public const string QuarantinedHint = "Only its read permissions work until it is restored.";

    public static Color StatusColor(ApiKeyStatus status) => status switch
    {
        ApiKeyStatus.Active => Color.Success,
        ApiKeyStatus.ExpiresSoon => Color.Warning,
        ApiKeyStatus.Rotated => Color.Info,
        ApiKeyStatus.Revoked => Color.Error,
        _ => Color.Default,
    };
}
