using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Api;

// A row that belongs to one owner and one of their environments, kept in insertion order:
// memories, knowledge, webhooks, exports and ingestion jobs. Stores reach such rows only through
// OwnedBy, so another owner's or the other environment's id is simply not found.
internal interface IOwnedResource
{
    // Insertion order, for stable cursor paging; never shown.
    long Sequence { get; }

    Guid Id { get; }

    string OwnerId { get; }

    ApiKeyEnvironment Environment { get; }
}
