using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;

namespace Memsolus.Dashboard.Ingestion;

internal sealed class IngestJob : IOwnedResource, ILeased
{
    public const int MaxNameLength = 255;
    public const int MaxUrlLength = 2_048;
    public const int MaxMessageLength = 500;

    // A job keeps the first errors only; Failed still counts every failed record.
    public const int MaxRecordedErrors = 100;

    // Insertion order: the worker takes jobs oldest first and lists page by it; never shown.
    public long Sequence { get; set; }

    public Guid Id { get; set; }

    public required string OwnerId { get; set; }

    public ApiKeyEnvironment Environment { get; set; }

    // The key that submitted the job; Guid.Empty for one started on the Ingestion page, where no
    // key is involved (PageActor.GetCallerAsync). Nothing references or reads it as a key: the
    // entries a job creates belong to its owner and environment.
    public Guid KeyId { get; set; }

    public IngestJobKind Kind { get; set; }

    public IngestJobStatus Status { get; set; }

    // The URL as submitted, for Url jobs.
    public string? Url { get; set; }

    // Records: a .txt/.md file, a JSONL line or a URL each count one; so does a file refused whole.
    public int Items { get; set; }

    public int Succeeded { get; set; }

    public int Failed { get; set; }

    public int KnowledgeCreated { get; set; }

    public int MemoriesCreated { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    // The node running it, until when (renewed as it goes): a running job whose lease has run out
    // was left by a node that died, and another node fails it (docs/several-nodes.md).
    public string? LeasedBy { get; set; }

    public DateTimeOffset? LeasedUntil { get; set; }
}
