using System.Net;
using System.Text;

namespace Memsolus.Dashboard.Ingestion;

// A page's readable text: scripts, styles and other non-text content dropped, tags stripped,
// entities decoded, whitespace collapsed with one line per block, and the <title> kept apart.
// A single forward scan with ordinal searches, so hostile markup cannot make it slow: there is
// no regular expression to backtrack.
internal static class HtmlText
{
    // Elements whose content is never page text; skipped up to their end tag.
    private static readonly HashSet<string> Skipped = new(StringComparer.Ordinal)
    {
        "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "canvas",
    };

    // Elements that start a new line of text.
    private static readonly HashSet<string> Blocks = new(StringComparer.Ordinal)
    {
        "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tr", "ul",
    };

    public static ReducedHtml Reduce(string html)
    {
        var text = new StringBuilder(html.Length / 2);
        string? title = null;
        var i = 0;
        while (i < html.Length)
        {
            var open = html.IndexOf('<', i);
            if (open < 0)
            {
                AppendText(text, html.AsSpan(i));
                break;
            }

            AppendText(text, html.AsSpan(i, open - i));
            i = SkipMarkup(html, open, text, ref title);
        }

        return new ReducedHtml(title, CollapseLines(text.ToString()));
    }

    // Reads the markup starting at the '<' at `open` and answers where text resumes.
    private static int SkipMarkup(string html, int open, StringBuilder text, ref string? title)
    {
        var next = open + 1 < html.Length ? html[open + 1] : '\0';
        if (html.AsSpan(open).StartsWith("<!--", StringComparison.Ordinal))
        {
            return After(html, "-->", open + 4);
        }

        if (next is '!' or '?')
        {
            return After(html, ">", open + 2);
        }

        var closing = next == '/';
        var nameStart = closing ? open + 2 : open + 1;
        var nameEnd = nameStart;
        while (nameEnd < html.Length && (char.IsAsciiLetterOrDigit(html[nameEnd]) || html[nameEnd] is '-' or ':'))
        {
            nameEnd++;
        }

        if (nameEnd == nameStart || !char.IsAsciiLetter(html[nameStart]))
        {
            if (closing)
            {
                // "</" and no name: a bogus comment up to the next '>'.
                return After(html, ">", open + 2);
            }

            // A '<' that opens no tag ("a < b") is text.
            text.Append('<');
            return open + 1;
        }

        var name = html[nameStart..nameEnd].ToLowerInvariant();
        var tagEnd = EndOfTag(html, nameEnd);
        if (tagEnd >= html.Length)
        {
            return html.Length;
        }

        if (!closing && name == "title")
        {
            var end = html.IndexOf("</title", tagEnd + 1, StringComparison.OrdinalIgnoreCase);
            var raw = end < 0 ? html[(tagEnd + 1)..] : html[(tagEnd + 1)..end];
            title ??= CollapseLines(Decode(raw)).Replace('\n', ' ') is { Length: > 0 } found ? found : null;
            return end < 0 ? html.Length : After(html, ">", end);
        }

        if (!closing && Skipped.Contains(name) && !(name is "svg" or "math" && html[tagEnd - 1] == '/'))
        {
            var end = html.IndexOf("</" + name, tagEnd + 1, StringComparison.OrdinalIgnoreCase);
            return end < 0 ? html.Length : After(html, ">", end);
        }

        if (Blocks.Contains(name))
        {
            text.Append('\n');
        }
        else if (name is "td" or "th")
        {
            text.Append(' ');
        }

        return tagEnd + 1;
    }

    // The '>' that closes a tag, skipping quoted attribute values; html.Length if none.
    private static int EndOfTag(string html, int from)
    {
        var quote = '\0';
        for (var i = from; i < html.Length; i++)
        {
            var c = html[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == '>')
            {
                return i;
            }
        }

        return html.Length;
    }

    private static int After(string html, string marker, int from)
    {
        var at = html.IndexOf(marker, from, StringComparison.Ordinal);
        return at < 0 ? html.Length : at + marker.Length;
    }

    // Whitespace inside text, including decoded &nbsp; and &#10;, is one space: only blocks break lines.
    private static void AppendText(StringBuilder text, ReadOnlySpan<char> raw)
    {
        if (raw.IsEmpty)
        {
            return;
        }

        ReadOnlySpan<char> decoded = raw.Contains('&') ? Decode(raw.ToString()) : raw;
        foreach (var c in decoded)
        {
            text.Append(char.IsWhiteSpace(c) ? ' ' : c);
        }
    }

    private static string Decode(string raw) => WebUtility.HtmlDecode(raw);

    private static string CollapseLines(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var line in text.Split('\n'))
        {
            var collapsed = string.Join(' ', line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            if (collapsed.Length > 0)
            {
                if (result.Length > 0)
                {
                    result.Append('\n');
                }

                result.Append(collapsed);
            }
        }

        return result.ToString();
    }
}
