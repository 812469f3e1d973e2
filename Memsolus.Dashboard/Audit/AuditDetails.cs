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
            AuditEventTypes.KeyCreated => $"{Text(root, "environment")} key, permissions: {List(root, "permissions")}{Expiry(root, "expiresAt", "; expires ")}{Rate(root)}{Networks(root)}",
            AuditEventTypes.KeyUpdated => Updated(root),
            AuditEventTypes.KeyRotated => Rotated(root),
            AuditEventTypes.KeyRotationCompleted => $"stopped at the first use of {Text(root, "newKey")}, {Time(root, "stoppedAt")}",
            AuditEventTypes.KeyRevoked => $"revoked by {By(root)}{Reason(root)}{Restored(root)}",
            AuditEventTypes.KeyLeaked => Leaked(root),
            AuditEventTypes.KeyExpired => $"expired {Time(root, "expiresAt")}",
            AuditEventTypes.KeyQuarantined => $"quarantined by {By(root)}{Reason(root)}; only its read permissions work",
            AuditEventTypes.KeyRestored => $"restored by {By(root)}{Reason(root)}; all its permissions work again",
            AuditEventTypes.KeysBulkRevoked => $"{Number(root, "revoked")} working key(s) revoked by an administrator{Reason(root)}",
            AuditEventTypes.AccountDisabled => $"account disabled by an administrator{Reason(root)}",
            AuditEventTypes.AccountEnabled => "account enabled by an administrator",
            AuditEventTypes.AccountSettingsChanged => SettingsChanged(root),
            _ => details,
        };
    }

    public static string Label(string eventType) => eventType switch
    {
        AuditEventTypes.KeysBulkRevoked => "all keys revoked",
        _ => eventType,
    };

    private static string Rotated(JsonElement root) =>
        root.TryGetProperty("waitsForNewKey", out var waits) && waits.ValueKind == JsonValueKind.True
            ? $"replaced by {Text(root, "newKey")}; old key stops when the new key is first used{Expiry(root, "oldKeyStopsAt", ", or at its expiry ", "")}"
            : $"replaced by {Text(root, "newKey")}; old key stops {Time(root, "oldKeyStopsAt")}";

    // Revoking a new key before its first use gave the key it was to replace its place back.
    private static string Restored(JsonElement root) =>
        root.TryGetProperty("restoredKey", out var restored) && restored.ValueKind == JsonValueKind.String
            ? $"; before its first use, so {restored.GetString()} is the current key again"
            : "";

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

    // "when a key is found leaked: revoke it → notify only", "default requests per minute none → 600".
    private static string SettingsChanged(JsonElement root)
    {
        var parts = new List<string>();
        if (root.TryGetProperty("leakAction", out var leak) && leak.ValueKind == JsonValueKind.Object)
        {
            parts.Add($"when a key is found leaked: {LeakChoice(Text(leak, "from"))} → {LeakChoice(Text(leak, "to"))}");
        }

        if (root.TryGetProperty("defaultRequestsPerMinute", out var rate) && rate.ValueKind == JsonValueKind.Object)
        {
            parts.Add($"default requests per minute {Limit(rate, "from", "none")} → {Limit(rate, "to", "none")}");
        }

        return string.Join("; ", parts);
    }

    private static string LeakChoice(string action) => action switch
    {
        nameof(LeakAction.Revoke) => "revoke it",
        nameof(LeakAction.Quarantine) => "quarantine it",
        nameof(LeakAction.NotifyOnly) => "notify only",
        _ => action,
    };

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

        if (root.TryGetProperty("requestsPerMinute", out var rate) && rate.ValueKind == JsonValueKind.Object)
        {
            parts.Add($"requests per minute {Limit(rate, "from")} → {Limit(rate, "to")}");
        }

        if (root.TryGetProperty("allowedNetworks", out var networks) && networks.ValueKind == JsonValueKind.Object)
        {
            parts.Add($"allowed IP addresses {AnyIfEmpty(List(networks, "from"))} → {AnyIfEmpty(List(networks, "to"))}");
        }

        return string.Join("; ", parts);
    }

    private static string Rate(JsonElement root) =>
        root.TryGetProperty("requestsPerMinute", out var value) && value.ValueKind == JsonValueKind.Number
            ? $"; {value.GetInt32().ToString(CultureInfo.InvariantCulture)} requests per minute"
            : "";

    // A key's own limit; none means its account's default, if any.
    private static string Limit(JsonElement root, string property, string none = "account default") =>
        root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetInt32().ToString(CultureInfo.InvariantCulture)
            : none;

    private static string Networks(JsonElement root) =>
        root.TryGetProperty("allowedNetworks", out var networks) && networks.ValueKind == JsonValueKind.Array
            ? $"; allowed IP addresses: {List(root, "allowedNetworks")}"
            : "";

    private static string AnyIfEmpty(string list) => list.Length == 0 ? "any" : list;

    // Who acted, as the owner may read it: never an administrator's name.
    private static string By(JsonElement root) => Text(root, "by") switch
    {
        "admin" => "an administrator",
        "leak" => "a leak report, as the owner chose",
        "owner" or "" => "the owner",
        var other => other,
    };

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

    private static string Expiry(JsonElement root, string property, string prefix, string never = "; never expires") =>
        root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var at)
            ? prefix + ApiKeyDisplay.Exact(at)
            : never;
}
