namespace Memsolus.Dashboard.Webhooks;

internal sealed record WebhookDto(Guid Id, string Url, IReadOnlyList<string> Events, string? Description, bool Enabled, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
