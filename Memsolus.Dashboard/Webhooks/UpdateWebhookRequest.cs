namespace Memsolus.Dashboard.Webhooks;

public sealed record UpdateWebhookRequest(string? Url, List<string?>? Events, string? Description, bool? Enabled);
