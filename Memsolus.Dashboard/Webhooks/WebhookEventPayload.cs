using System.Text.Json;

namespace Memsolus.Dashboard.Webhooks;

// The body every delivery of one event carries, signed as sent.
internal sealed record WebhookEventPayload(Guid Id, string Type, DateTimeOffset CreatedAt, string Environment, JsonElement Data)
{
    // The stored body: the API's own JSON settings, so "data" reads exactly like the API's answer for it.
    public static string Serialize(Guid id, string type, DateTimeOffset createdAt, string environment, object data, JsonSerializerOptions json) =>
        JsonSerializer.Serialize(new WebhookEventPayload(id, type, createdAt, environment, JsonSerializer.SerializeToElement(data, data.GetType(), json)), json);
}
