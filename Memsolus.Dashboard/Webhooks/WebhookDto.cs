namespace Memsolus.Dashboard.Webhooks;

// Public because the Webhooks page hands it to EditWebhookDialog as a parameter.
public sealed record WebhookDto(Guid Id, string Url, IReadOnlyList<string> Events, string? Description, bool Enabled, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
