using System.Globalization;
using System.Text.Json;
using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Audit;

// "What changed", in words, from an event's JSON details.
internal static class AuditDetails
{
    public static string Describe(string eventType, string? details)
    {
        if (string.IsNullOrEmpty(details))
        {
            return "";
        }

        using var json = JsonDocument.Parse(details);
        var root = json.RootElement;
        return eventType switch
        {
            AuditEventTypes.KeyCreated => $"{Text(root, "environment")} key, permissions: {List(root, "permissions")}{Expiry(root, "expiresAt", "; expires ")}",
            AuditEventTypes.KeyUpdated => Updated(root),
            AuditEventTypes.KeyRotated => $"replaced by {Text(root, "newKey")}; old key stops {Time(root, "oldKeyStopsAt")}",
            AuditEventTypes.KeyRevoked => $"revoked {Text(root, "by") switch { "admin" => "by an administrator", "leak" => "on a leak report, as the owner chose", _ => "by the owner" }}{Reason(root)}",
            AuditEventTypes.KeyLeaked => Leaked(root),
            AuditEventTypes.KeyExpired => $"expired {Time(root, "expiresAt")}",
            AuditEventTypes.KeysBulkRevoked => $"{Number(root, "revoked")} working key(s) revoked by an administrator{Reason(root)}",
            AuditEventTypes.AccountDisabled => $"account disabled by an administrator{Reason(root)}",
            AuditEventTypes.AccountEnabled => "account enabled by an administrator",
            _ => details,
        };
    }

    public static string Label(string eventType) => eventType switch
    {
        AuditEventTypes.KeysBulkRevoked => "all keys revoked",
        _ => eventType,
    };

    // "found leaked at https://… (reported by GitHub); revoked".
    private static string Leaked(JsonElement root)
    {
        var place = Text(root, "url") is { Length: > 0 } url ? url : Text(root, "where");
        var done = Text(root, "action") switch
        {
            "revoked" => "revoked",
            "quarantined" => "quarantined",
            "already_quarantined" => "already quarantined",
            "already_inactive" => "it no longer worked",
            _ => "the owner was notified",
        };
        return $"found leaked at {place} (reported by {(Text(root, "source") == "github" ? "GitHub" : "a person")}); {done}";
    }

    private static string Updated(JsonElement root)
    {
        var parts = new List<string>();
        if (root.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.Object)
        {
            parts.Add($"renamed {Text(name, "from")} → {Text(name, "to")}");
        }

        if (root.TryGetProperty("permissionsAdded", out var added) && added.GetArrayLength() > 0)
        {
            parts.Add($"added {List(root, "permissionsAdded")}");
        }

        if (root.TryGetProperty("permissionsRemoved", out var removed) && removed.GetArrayLength() > 0)
        {
            parts.Add($"removed {List(root, "permissionsRemoved")}");
        }

        return string.Join("; ", parts);
    }

    private static string Reason(JsonElement root) =>
        root.TryGetProperty("reason", out var reason) && reason.ValueKind == JsonValueKind.String ? $": {reason.GetString()}" : "";

    private static string Text(JsonElement root, string property) =>
        root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static string Number(JsonElement root, string property) =>
        root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32().ToString(CultureInfo.InvariantCulture) : "0";

    private static string List(JsonElement root, string property) =>
        root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Array
            ? string.Join(", ", value.EnumerateArray().Select(v => v.GetString()))
            : "";

    private static string Time(JsonElement root, string property) =>
        root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var at)
            ? ApiKeyDisplay.Exact(at)
            : "never";

    private static string Expiry(JsonElement root, string property, string prefix) =>
        root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var at)
            ? prefix + ApiKeyDisplay.Exact(at)
            : "; never expires";
}
