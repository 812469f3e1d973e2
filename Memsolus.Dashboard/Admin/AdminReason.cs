using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;

namespace Memsolus.Dashboard.Admin;

// The reason an administrator gives for revoking a key or disabling an account: the owner reads it,
// so it must be there, fit its column and be text every provider can store and every reader serve.
internal static class AdminReason
{
    public static ApiKeyError? Validate(string? reason, int maxLength)
    {
        var trimmed = reason?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return new(ApiKeyErrorKind.Invalid, "Give a reason: the owner will see it.", "Reason");
        }

        if (trimmed.Length > maxLength)
        {
            return new(ApiKeyErrorKind.Invalid, $"Use at most {maxLength} characters.", "Reason");
        }

        return StoredText.IsStorable(trimmed, multiline: true)
            ? null
            : new(ApiKeyErrorKind.Invalid, "The reason contains characters that cannot be stored (control characters or broken Unicode). Retype it.", "Reason");
    }
}
