using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Knowledge;

internal sealed class KnowledgeEntry : IOwnedResource
{
    public const int MaxTitleLength = 200;
    public const int MaxContentLength = 100_000;
    public const int MaxSourceLength = 2_048;

    // Insertion order, for stable cursor paging; never shown.
    public long Sequence { get; set; }

    public Guid Id { get; set; }

    public required string OwnerId { get; set; }

    public ApiKeyEnvironment Environment { get; set; }

    public required string Title { get; set; }

    public required string Content { get; set; }

    public string? Source { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
