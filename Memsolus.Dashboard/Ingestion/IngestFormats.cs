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

        return name.Length <= IngestJob.MaxNameLength ? name : Shorten(name, IngestJob.MaxNameLength);
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
