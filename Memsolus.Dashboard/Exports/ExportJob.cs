using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;

namespace Memsolus.Dashboard.Exports;

// One request for a copy of an owner's data in one environment, and, once written, the file.
internal sealed class ExportJob : IOwnedResource, ILeased
{
    // Insertion order, for stable cursor paging and for running jobs first come, first served; never shown.
    public long Sequence { get; set; }

    public Guid Id { get; set; }

    public required string OwnerId { get; set; }

    public ApiKeyEnvironment Environment { get; set; }

    public ExportFormat Format { get; set; }

    public ExportContents Include { get; set; }

    public ExportStatus Status { get; set; }

    public int? MemoryCount { get; set; }

    public int? KnowledgeCount { get; set; }

    public long? SizeBytes { get; set; }

    // The file's name inside the exports directory, made by the server from the job's id; never
    // from anything a caller sent. Null until the file exists and again once it is deleted.
    public string? FileName { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    // The node writing it, until when (renewed while it writes): a job whose lease has run out was
    // left by a node that died, and another node runs it again (docs/several-nodes.md).
    public string? LeasedBy { get; set; }

    public DateTimeOffset? LeasedUntil { get; set; }

    // How many times a node has taken the job up; after ExportRunner.MaxAttempts it is failed.
    public int Attempts { get; set; }

    // What the owner may read about a failure: never an exception message, which can hold paths.
    public string? Error { get; set; }
}
