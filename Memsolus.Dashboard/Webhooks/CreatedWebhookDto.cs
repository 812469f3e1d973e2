namespace Memsolus.Dashboard.Webhooks;

// The one answer that carries the signing secret: creation. Nothing serves it again.
internal sealed record CreatedWebhookDto(Guid Id, string Url, IReadOnlyList<string> Events, string? Description, bool Enabled, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string Secret);
