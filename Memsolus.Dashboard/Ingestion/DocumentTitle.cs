using Memsolus.Dashboard.Knowledge;

namespace Memsolus.Dashboard.Ingestion;

// The title of a text document: front matter's title:, else the first Markdown heading (ATX
// "# Title" or setext "Title" over "====="), outside code fences.
internal static class DocumentTitle
{
    public static string? Of(string text)
    {
        var lines = text.Split('\n');
        var start = 0;
        if (lines.Length > 0 && lines[0].Trim() == "---")
        {
            var end = Array.FindIndex(lines, 1, l => l.Trim() is "---" or "...");
            if (end > 0)
            {
                var title = lines[1..end].Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("title:", StringComparison.OrdinalIgnoreCase));
                if (title is not null && Clean(title["title:".Length..].Trim().Trim('"', '\'')) is { } fromFrontMatter)
                {
                    return fromFrontMatter;
                }

                start = end + 1;
            }
        }

        string? previous = null;
        var inFence = false;
        for (var i = start; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var trimmed = line.Trim();
            if (trimmed.StartsWith("```", StringComparison.Ordinal) || trimmed.StartsWith("~~~", StringComparison.Ordinal))
            {
                inFence = !inFence;
                previous = null;
                continue;
            }

            if (inFence)
            {
                continue;
            }

            var indented = line.StartsWith("    ", StringComparison.Ordinal) || line.StartsWith('\t');
            if (!indented && Atx(trimmed) is { } atx)
            {
                return atx;
            }

            if (!indented && previous is not null && trimmed.Length > 0 && (trimmed.All(c => c == '=') || trimmed.All(c => c == '-')))
            {
                return previous;
            }

            previous = indented || trimmed.Length == 0 ? null : Clean(trimmed);
        }

        return null;
    }

    // The file name without its extension, or the whole name when that leaves nothing.
    public static string FromFileName(string name) =>
        Clean(Path.GetFileNameWithoutExtension(name)) ?? name;

    private static string? Atx(string line)
    {
        var level = 0;
        while (level < line.Length && line[level] == '#')
        {
            level++;
        }

        if (level is 0 or > 6 || (level < line.Length && line[level] != ' ' && line[level] != '\t'))
        {
            return null;
        }

        return Clean(line[level..].Trim().TrimEnd('#'));
    }

    private static string? Clean(string title)
    {
        var trimmed = title.Trim();
        return trimmed.Length == 0 ? null : IngestFormats.Shorten(trimmed, KnowledgeEntry.MaxTitleLength);
    }
}
