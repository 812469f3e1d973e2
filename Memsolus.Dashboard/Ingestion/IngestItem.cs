namespace Memsolus.Dashboard.Ingestion;

// An uploaded file waiting for the worker. Deleted once its job has run: the entries made from
// it are what is kept.
internal sealed class IngestItem
{
    public long Sequence { get; set; }

    public long JobSequence { get; set; }

    public required string Name { get; set; }

    // Null for a file the worker will refuse anyway (an unsupported type): it is never stored.
    public byte[]? Content { get; set; }
}
