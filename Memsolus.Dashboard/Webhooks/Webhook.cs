using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Webhooks;

internal sealed class Webhook : IOwnedResource
{
    public const int MaxUrlLength = 2_048;
    public const int MaxDescriptionLength = 500;

    // Bounds the fan-out of one event and the work one account can put on the dispatcher.
    public const int MaxPerEnvironment = 20;

    // How long a rolled-away secret may keep signing beside the new one: up to 7 days, as long as
    // an API key's rotation grace; 24 hours unless the caller says otherwise.
    public const int MaxOldSecretHours = 168;
    public const int DefaultOldSecretHours = 24;

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

    // After a roll, the secret it replaced, protected the same way, and when it stops signing:
    // until then every request carries a signature with each (WebhookDeliveryRunner), so receivers
    // can move to the new secret without refusing a delivery. Null once nothing was kept.
    public string? PreviousProtectedSecret { get; set; }

    public DateTimeOffset? PreviousSecretExpiresAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
