using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Memories;

namespace Memsolus.Dashboard.Api;

// What a search for memories or knowledge accepts, for the API's q and the screens' Search field
// alike: trimmed, 1 to 200 characters, one line of storable text.
internal static class SearchQuery
{
    public const int MaxLength = Memory.MaxQueryLength;

    // The query to search for, or the reason there is none (the text is empty after trimming, too
    // long, or not one line of text); name is how the message calls the field.
    public static string? Check(string? text, string name, out string? error)
    {
        var query = text?.Trim();
        error = string.IsNullOrEmpty(query) || query.Length > MaxLength
            ? $"{name} must be 1 to {MaxLength} characters."
            : !StoredText.IsStorable(query)
                ? $"{name} must be one line without NUL, control characters or unpaired surrogates."
                : null;
        return error is null ? query : null;
    }
}
