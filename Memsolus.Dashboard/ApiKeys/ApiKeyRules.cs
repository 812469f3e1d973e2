using System.Globalization;
using System.Text;
using Memsolus.Dashboard.Data;

namespace Memsolus.Dashboard.ApiKeys;

// Input rules for keys, shared by the service (which enforces them) and the dialogs (which
// explain them before the user clicks). A key's status is decided in ApiKeyStatusRules.
internal static class ApiKeyRules
{
    public const int MaxNameLength = 100;
    public const int MaxReasonLength = 500;

    // Where a leak was found, as a report gives it: kept for the owner's notice and the audit log.
    public const int MaxLeakUrlLength = 2048;

    // Addresses and ranges in one key's allowlist.
    public const int MaxAllowedNetworks = 50;

    // A key's (or an account's default) requests per minute: 1 to this.
    public const int MaxRequestsPerMinute = 1_000_000;

    // "Requests per minute" (a key's, or an account's "Default requests per minute") as typed:
    // empty is no limit (null). Returns the message to show, or null when value holds the limit.
    public static string? ParseRequestsPerMinute(string? text, out int? value)
    {
        value = null;
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return null;
        }

        if (!int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            return RequestsPerMinuteMessage;
        }

        value = parsed;
        return ValidateRequestsPerMinute(parsed);
    }

    public static string? ValidateRequestsPerMinute(int? value) =>
        value is null or (>= 1 and <= MaxRequestsPerMinute) ? null : RequestsPerMinuteMessage;

    private static readonly string RequestsPerMinuteMessage =
        string.Create(CultureInfo.InvariantCulture, $"Enter a whole number from 1 to {MaxRequestsPerMinute:N0}, or leave it empty for no limit.");

    public static readonly TimeSpan MaxChosenExpiry = TimeSpan.FromDays(3 * 365);

    // A name is stored and compared as CleanName gives it: trimmed and in Unicode NFC, so the
    // composed and decomposed spellings of "café" are one name. Invisible format characters (Unicode
    // category Cf: bidi overrides and isolates such as U+202E, left-to-right and right-to-left marks,
    // zero-width spaces and joiners, the byte-order mark) are refused: they make one name look like
    // another, or reverse how the text around a name reads in the dashboard and the audit log.
    public static string? ValidateName(string? name)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return "Enter a name, for example production-agent or crm-integration.";
        }

        if (trimmed.Length > MaxNameLength)
        {
            return $"Use at most {MaxNameLength} characters.";
        }

        if (!StoredText.IsStorable(trimmed))
        {
            return "The name cannot contain control characters or broken Unicode.";
        }

        if (HasFormatCharacter(trimmed))
        {
            return "The name cannot contain invisible formatting characters (such as direction overrides or zero-width spaces).";
        }

        return trimmed.Normalize(NormalizationForm.FormC).Length > MaxNameLength
            ? $"Use at most {MaxNameLength} characters."
            : null;
    }

    // The name as stored: only for a name ValidateName accepted (normalising broken Unicode throws).
    public static string CleanName(string name) => name.Trim().Normalize(NormalizationForm.FormC);

    private static bool HasFormatCharacter(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.Format)
            {
                return true;
            }
        }

        return false;
    }

    public static string? ValidatePermissions(IReadOnlyCollection<string>? permissions)
    {
        if (permissions is null || permissions.Count == 0)
        {
            return "Select at least one permission.";
        }

        var unknown = permissions.FirstOrDefault(p => !Permissions.IsKnown(p));
        return unknown is null ? null : $"Unknown permission '{unknown}'.";
    }

    // The last moment a key made now with this policy works; null for never.
    public static DateTimeOffset? ExpiresAt(ApiKeyExpiration expiration, DateOnly? chosenDate, DateTimeOffset now) => expiration switch
    {
        ApiKeyExpiration.Never => null,
        ApiKeyExpiration.Days30 => now.AddDays(30),
        ApiKeyExpiration.Days90 => now.AddDays(90),
        ApiKeyExpiration.OneYear => now.AddYears(1),
        // A chosen date means "valid through that day" (UTC): it stops at the next midnight.
        ApiKeyExpiration.Date when chosenDate is { } date => new DateTimeOffset(date.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
        _ => throw new ArgumentOutOfRangeException(nameof(expiration)),
    };

    public static string? ValidateExpiration(ApiKeyExpiration expiration, DateOnly? chosenDate, DateTimeOffset now)
    {
        if (!Enum.IsDefined(expiration))
        {
            return "Choose when the key expires.";
        }

        if (expiration != ApiKeyExpiration.Date)
        {
            return null;
        }

        if (chosenDate is not { } date)
        {
            return "Choose the date the key expires.";
        }

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (date < today)
        {
            return "Choose a date that is not in the past.";
        }

        return date > today.AddDays((int)MaxChosenExpiry.TotalDays)
            ? "Choose a date within the next three years, or Never."
            : null;
    }

    // How long a rotated key keeps working; null: until its successor's first successful request,
    // whenever that is (the old key's own expiry, if it has one, still applies).
    public static TimeSpan? GracePeriod(RotationGrace grace) => grace switch
    {
        RotationGrace.FirstUseOfNewKey => null,
        RotationGrace.Immediately => TimeSpan.Zero,
        RotationGrace.OneHour => TimeSpan.FromHours(1),
        RotationGrace.OneDay => TimeSpan.FromHours(24),
        RotationGrace.SevenDays => TimeSpan.FromDays(7),
        _ => throw new ArgumentOutOfRangeException(nameof(grace)),
    };
}
