using System.ComponentModel.DataAnnotations;

namespace Memsolus.Dashboard.Webhooks;

// The attributes carry the server's bounds into /openapi/v1.json (Api/OpenApiSchemas.cs, which
// also lists the events); the endpoint checks them itself (WebhookRules). A webhook is enabled
// unless the body says otherwise.
internal sealed record CreateWebhookRequest(
    [property: Required, StringLength(Webhook.MaxUrlLength, MinimumLength = 1)] string? Url,
    [property: Required, MinLength(1)] List<string?>? Events,
    [property: StringLength(Webhook.MaxDescriptionLength)] string? Description = null,
    bool? Enabled = null);
