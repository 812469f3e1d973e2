using System.Text.Json;
using System.Text.Json.Serialization;

namespace Memsolus.Dashboard.Webhooks;

// The body is optional: without it the old secret keeps signing for Webhook.DefaultOldSecretHours.
// Read as raw JSON so a value of the wrong type is a per-field error, not an unreadable body; a
// field it does not know is refused rather than ignored, since a misspelt name would otherwise
// keep a secret the caller meant to stop at once signing for a day.
internal sealed record RollWebhookSecretRequest(JsonElement? OldSecretExpiresInHours = null)
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; init; }
}
