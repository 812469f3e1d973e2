using System.Text;
using System.Text.Json;
using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.Knowledge;
using Memsolus.Dashboard.Memories;

namespace Memsolus.Dashboard.Ingestion;

// Which uploaded files become what: .txt and .md a knowledge entry each, .jsonl a memory per line.
internal static class IngestFormats
{
    public static bool IsDocument(string name) => Extension(name) is ".txt" or ".md" or ".markdown";

    public static bool IsJsonLines(string name) => Extension(name) == ".jsonl";

    public static bool IsSupported(string name) => IsDocument(name) || IsJsonLines(name);

    public static string Extension(string name) => Path.GetExtension(name).ToLowerInvariant();

    // A client may send a path or nothing at all as the file name; keep the last segment, bounded.
    public static string SafeName(string? fileName, int position)
    {
        var name = (fileName ?? "").Replace('\\', '/');
        name = name[(name.LastIndexOf('/') + 1)..].Trim();
        name = new string(name.Where(c => !char.IsControl(c)).ToArray());
        if (name.Length == 0)
        {
            return $"file-{position}";
        }

        return name.Length <= IngestLimits.MaxNameLength ? name : Shorten(name, IngestLimits.MaxNameLength);
    }

    // Cut to at most `max` characters without splitting a surrogate pair.
    public static string Shorten(string value, int max)
    {
        if (value.Length <= max)
        {
            return value;
        }

        var cut = char.IsHighSurrogate(value[max - 1]) ? max - 1 : max;
        return value[..cut].TrimEnd();
    }
}

internal static class TextDecoding
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Uploaded files must be text: UTF-8 (a UTF-16 byte order mark is honoured), and no NUL,
    // which only binary files hold.
    public static bool TryDecodeText(byte[] bytes, out string text)
    {
        try
        {
            using var reader = new StreamReader(new MemoryStream(bytes), StrictUtf8, detectEncodingFromByteOrderMarks: true);
            text = reader.ReadToEnd();
        }
        catch (DecoderFallbackException)
        {
            text = "";
            return false;
        }

        return !text.Contains('\0');
    }

    // Fetched pages are decoded as their server declares, invalid bytes replaced: the web is untidy.
    public static string DecodeLenient(byte[] bytes, string? charset)
    {
        var encoding = Encoding.UTF8;
        if (!string.IsNullOrWhiteSpace(charset))
        {
            try
            {
                encoding = Encoding.GetEncoding(charset.Trim().Trim('"', '\''));
            }
            catch (ArgumentException)
            {
                // An unknown charset: UTF-8 is the likeliest truth.
            }
        }

        using var reader = new StreamReader(new MemoryStream(bytes), encoding, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }
}

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
        return trimmed.Length == 0 ? null : IngestFormats.Shorten(trimmed, KnowledgeLimits.MaxTitleLength);
    }
}

internal sealed record MemoryLine(string Content, List<string> Tags, string? Metadata);

// One JSONL line as a memory: {"content": "...", "tags": ["..."], "metadata": {...}}, checked
// against the same limits as POST /memories. Other fields are ignored.
internal static class MemoryLines
{
    public static bool TryParse(string line, out MemoryLine? memory, out string error)
    {
        memory = null;
        error = "";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            error = "The line is not valid JSON.";
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "Each line must be a JSON object with content and optional tags.";
                return false;
            }

            var errors = new ValidationErrors();
            string? content = null;
            var contentWrongType = false;
            if (root.TryGetProperty("content", out var contentElement) && contentElement.ValueKind != JsonValueKind.Null)
            {
                if (contentElement.ValueKind == JsonValueKind.String)
                {
                    content = contentElement.GetString();
                }
                else
                {
                    contentWrongType = true;
                    errors.Add("content", "content must be a string.");
                }
            }

            List<string?>? tagValues = null;
            if (root.TryGetProperty("tags", out var tagsElement) && tagsElement.ValueKind != JsonValueKind.Null)
            {
                if (tagsElement.ValueKind == JsonValueKind.Array && tagsElement.EnumerateArray().All(t => t.ValueKind == JsonValueKind.String))
                {
                    tagValues = tagsElement.EnumerateArray().Select(t => t.GetString()).ToList();
                }
                else
                {
                    errors.Add("tags", "tags must be an array of strings.");
                }
            }

            JsonElement? metadataElement = root.TryGetProperty("metadata", out var m) && m.ValueKind != JsonValueKind.Null ? m : null;

            // A content of the wrong type has its own message; "required" would only confuse.
            var text = errors.Text("content", content, 1, MemoryLimits.MaxContentLength, required: !contentWrongType);
            var tags = errors.Tags("tags", tagValues, MemoryLimits.MaxTags, MemoryLimits.MaxTagLength);
            var metadata = errors.JsonObject("metadata", metadataElement, MemoryLimits.MaxMetadataBytes);
            if (!errors.IsValid)
            {
                error = string.Join(" ", errors.ToDictionary().SelectMany(e => e.Value));
                return false;
            }

            memory = new MemoryLine(text!, tags ?? [], metadata);
            return true;
        }
    }
}
