namespace Memsolus.Dashboard.Webhooks;

internal sealed record UpdateWebhookRequest(string? Url, List<string?>? Events, string? Description, bool? Enabled);
