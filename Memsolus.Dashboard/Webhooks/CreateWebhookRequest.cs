namespace Memsolus.Dashboard.Webhooks;

public sealed record CreateWebhookRequest(string? Url, List<string?>? Events, string? Description, bool? Enabled);
