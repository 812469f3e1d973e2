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

        var width = 1;
        for (var i = 0; i < text.Length; i += width)
        {
            // A NUL or an unpaired surrogate, or another control character outside a line break.
            if (!IsKept(text, i, out width) || (char.IsControl(text[i]) && !(multiline && text[i] is '\n' or '\r' or '\t')))
            {
                return false;
            }
        }

        return true;
    }

    // Text stored before these rules, made readable: every unpaired surrogate becomes U+FFFD and
    // every NUL is dropped (what no reader or provider can keep). Other characters are left as they
    // are, so a row that was readable never changes. Returns the text itself when nothing changed.
    public static string Repair(string text)
    {
        var i = 0;
        while (i < text.Length && IsKept(text, i, out var width))
        {
            i += width;
        }

        if (i == text.Length)
        {
            return text;
        }

        var repaired = new System.Text.StringBuilder(text.Length);
        repaired.Append(text, 0, i);
        while (i < text.Length)
        {
            if (IsKept(text, i, out var width))
            {
                repaired.Append(text, i, width);
            }
            else if (text[i] != '\0')
            {
                repaired.Append('\uFFFD');
            }

            i += width;
        }

        return repaired.ToString();
    }

    private static bool IsKept(string text, int i, out int width)
    {
        var c = text[i];
        width = 1;
        if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
        {
            width = 2;
            return true;
        }

        return !char.IsSurrogate(c) && c != '\0';
    }
}
