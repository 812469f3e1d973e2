using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Memories;

internal sealed class Memory : IOwnedResource
{
    public const int MaxContentLength = 10_000;
    public const int MaxTags = 20;
    public const int MaxTagLength = 50;
    public const int MaxMetadataBytes = 16 * 1024;

    // Levels of objects and arrays in metadata, the object itself being the first: far below what
    // the answers' serializer accepts around it (64), so whatever is stored can be served.
    public const int MaxMetadataDepth = 32;
    public const int MaxQueryLength = 200;

    // Insertion order, for stable cursor paging; never shown.
    public long Sequence { get; set; }

    public Guid Id { get; set; }

    public required string OwnerId { get; set; }

    public ApiKeyEnvironment Environment { get; set; }

    public required string Content { get; set; }

    public List<string> Tags { get; set; } = [];

    // A JSON object, kept as written.
    public string Metadata { get; set; } = "{}";

    // Content and tags lower-cased, for case-insensitive search beyond ASCII.
    public required string SearchText { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public static string SearchTextOf(string content, IEnumerable<string> tags) =>
        string.Join('\n', tags.Prepend(content)).ToLowerInvariant();
}
