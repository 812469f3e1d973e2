using System.Text.Json;

namespace Memsolus.Dashboard.Webhooks;

// The body every delivery of one event carries, signed as sent.
internal sealed record WebhookEventPayload(Guid Id, string Type, DateTimeOffset CreatedAt, string Environment, JsonElement Data);
