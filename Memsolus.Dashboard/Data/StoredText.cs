namespace Memsolus.Dashboard.Data;

// What text the product agrees to store: well-formed UTF-16 (a lone surrogate cannot be encoded
// as UTF-8, so PostgreSQL refuses it and JSON readers fail on it later) and no control characters
// (PostgreSQL refuses NUL; the rest have no place in names, reasons or addresses). Multi-line
// fields may keep line breaks and tabs.
internal static class StoredText
{
    public static bool IsStorable(string? text, bool multiline = false)
    {
        if (text is null)
        {
            return true;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                return false;
            }

            if (char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t'))
            {
                return false;
            }
        }

        return true;
    }
}
