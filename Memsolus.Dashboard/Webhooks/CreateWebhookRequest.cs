namespace Memsolus.Dashboard.Webhooks;

internal sealed record CreateWebhookRequest(string? Url, List<string?>? Events, string? Description, bool? Enabled);
