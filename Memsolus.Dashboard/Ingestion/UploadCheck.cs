namespace Memsolus.Dashboard.Ingestion;

// What an upload must be before a job is made of it, whether it comes through the API
// (POST /ingest/files) or the Ingestion page: at least one file, at most Ingest:MaxFiles, none
// larger than Ingest:MaxFileBytes and all together at most Ingest:MaxTotalBytes. One rule, so the
// page refuses exactly what the API would.
internal static class UploadCheck
{
    // Every refusal, in the order the API reports them (it answers the first): no files, too many,
    // each file that is too large, too much together. Names are as IngestFormats.SafeName keeps them.
    public static IEnumerable<UploadRefusal> Refusals(IngestOptions limits, IReadOnlyList<(string Name, long Length)> files)
    {
        if (files.Count == 0)
        {
            yield return new UploadRefusal(TooLarge: false, $"Attach at least one {SupportedList} file.");
            yield break;
        }

        if (files.Count > limits.MaxFiles)
        {
            yield return new UploadRefusal(TooLarge: false, $"An upload may hold at most {limits.MaxFiles} files; this one has {files.Count}.");
        }

        foreach (var (name, length) in files.Where(f => f.Length > limits.MaxFileBytes))
        {
            yield return new UploadRefusal(TooLarge: true, $"{name} is {Sizes.Describe(length)}; each file may be at most {Sizes.Describe(limits.MaxFileBytes)}.");
        }

        var total = files.Sum(f => f.Length);
        if (total > limits.MaxTotalBytes)
        {
            yield return new UploadRefusal(TooLarge: true, $"The files total {Sizes.Describe(total)}; an upload may hold at most {Sizes.Describe(limits.MaxTotalBytes)}.");
        }
    }

    // The page also refuses, before sending anything, a file the worker would refuse whole; the API
    // accepts it and reports it as that file's error (its bytes are never stored).
    public static UploadRefusal? UnsupportedType(string name) => IngestFormats.IsSupported(name)
        ? null
        : new UploadRefusal(TooLarge: false, $"{name} is not a {SupportedList} file, the types that can be imported.");

    // As the worker's own refusal names them (.markdown is read as .md too).
    public const string SupportedList = ".txt, .md or .jsonl";
}
