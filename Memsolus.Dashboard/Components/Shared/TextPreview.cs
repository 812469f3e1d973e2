using System.Text.RegularExpressions;

namespace Memsolus.Dashboard.Components.Shared;

// The start of a long text for a list row or a button's name: its runs of whitespace (line breaks
// too) as one space, cut after a number of characters with an ellipsis, never inside a surrogate
// pair. The whole text is for the view that opens it.
internal static partial class TextPreview
{
    public static string Of(string text, int maxLength)
    {
        var flat = Whitespace().Replace(text, " ").Trim();
        if (flat.Length <= maxLength)
        {
            return flat;
        }

        var cut = char.IsHighSurrogate(flat[maxLength - 1]) ? maxLength - 1 : maxLength;
        return string.Concat(flat.AsSpan(0, cut).TrimEnd(), "…");
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
