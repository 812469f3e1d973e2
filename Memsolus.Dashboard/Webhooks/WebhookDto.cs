namespace Memsolus.Dashboard.Webhooks;

public sealed record WebhookDto(Guid Id, string Url, IReadOnlyList<string> Events, string? Description, bool Enabled, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
