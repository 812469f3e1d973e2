using System.ComponentModel.DataAnnotations;

namespace Memsolus.Dashboard.Webhooks;

// Every field is optional: one left out (or null) keeps its value. Bounds as CreateWebhookRequest.
internal sealed record UpdateWebhookRequest(
    [property: StringLength(Webhook.MaxUrlLength, MinimumLength = 1)] string? Url = null,
    [property: MinLength(1)] List<string?>? Events = null,
    [property: StringLength(Webhook.MaxDescriptionLength)] string? Description = null,
    bool? Enabled = null);
