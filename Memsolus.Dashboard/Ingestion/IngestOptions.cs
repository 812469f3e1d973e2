using System.ComponentModel.DataAnnotations;

namespace Memsolus.Dashboard.Ingestion;

// Ingest:* — how much one upload or one fetched page may hold, and how often the worker looks
// for jobs it was not told about (left by a restart or another node).
internal sealed class IngestOptions : IValidatableObject
{
    public const string SectionName = "Ingest";

    [Range(1, 100)]
    public int MaxFiles { get; set; } = 20;

    [Range(1, 16 * 1024 * 1024)]
    public long MaxFileBytes { get; set; } = 1024 * 1024;

    // All files of one upload together. The upload endpoint accepts request bodies this large
    // (plus room for the multipart framing), unlike the rest of the API's 1 MiB.
    [Range(1, 64 * 1024 * 1024)]
    public long MaxTotalBytes { get; set; } = 10 * 1024 * 1024;

    [Range(1, 16 * 1024 * 1024)]
    public long MaxUrlBytes { get; set; } = 2 * 1024 * 1024;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    // How long a node's claim on a running job lasts; renewed every third of it and after every
    // file while the job runs. Once it has run out (the node died) another node fails the job
    // with IngestRunner.InterruptedMessage (docs/several-nodes.md).
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    // Part headers and boundaries around the files; generous, since a part header is ~200 bytes.
    public const long MultipartFramingBytes = 64 * 1024;

    public long MaxUploadRequestBytes => MaxTotalBytes + MultipartFramingBytes;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxTotalBytes < MaxFileBytes)
        {
            yield return new ValidationResult(
                $"{nameof(MaxTotalBytes)} must be at least {nameof(MaxFileBytes)}.",
                [nameof(MaxTotalBytes), nameof(MaxFileBytes)]);
        }
    }
}
