using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Webhooks;

internal sealed class Webhook : IOwnedResource
{
    public const int MaxUrlLength = 2_048;
    public const int MaxDescriptionLength = 500;

    // Bounds the fan-out of one event and the work one account can put on the dispatcher.
    public const int MaxPerEnvironment = 20;

    // Insertion order, for stable cursor paging and as the deliveries' foreign key; never shown.
    public long Sequence { get; set; }

    public Guid Id { get; set; }

    public required string OwnerId { get; set; }

    public ApiKeyEnvironment Environment { get; set; }

    public required string Url { get; set; }

    public List<string> Events { get; set; } = [];

    public string? Description { get; set; }

    public bool Enabled { get; set; }

    // The whsec_… signing secret, encrypted with Data Protection (WebhookSecrets): the dispatcher
    // must read it back to sign, so it cannot be a hash like an API key's.
    public required string ProtectedSecret { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
