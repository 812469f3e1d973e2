namespace Memsolus.Dashboard.Ingestion;

internal sealed class IngestItemError
{
    public long Sequence { get; set; }

    public long JobSequence { get; set; }

    // The file name or the URL.
    public required string Item { get; set; }

    // The 1-based line of a JSONL file, when the error is about one line.
    public int? Line { get; set; }

    public required string Message { get; set; }
}
