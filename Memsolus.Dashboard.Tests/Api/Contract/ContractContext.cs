using System.Net;
using System.Net.Http.Json;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Tests.Exports;
using Memsolus.Dashboard.Tests.Webhooks;
using Memsolus.Dashboard.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Api.Contract;

// One scenario's world: a fresh account with a key holding every permission, and the resources a
// call needs, made through the API (or, for what only time or a worker makes, through the runner
// the worker would call).
internal sealed class ContractContext(MemsolusAppFactory app, ApiSession session) : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> owned = [];

    public MemsolusAppFactory App { get; } = app;

    public ApiSession Session { get; } = session;

    public static async Task<ContractContext> StartAsync(MemsolusAppFactory app) => new(app, await app.NewSessionAsync());

    public async Task<Guid> MemoryAsync() => (await Session.CreateMemoryAsync("contract memory", ["contract"], new { kind = "contract" })).IdOf();

    public async Task<Guid> KnowledgeAsync() => (await Session.CreateKnowledgeAsync("contract", "contract knowledge", "handbook")).IdOf();

    public async Task<Guid> WebhookAsync() => (await Session.CreateWebhookAsync("https://hooks.example.com/contract", ["memory.created"])).IdOf();

    // A ping queued for a webhook and not yet sent: the delivery worker is stopped on this host.
    public async Task<(Guid Webhook, Guid Delivery)> PendingDeliveryAsync()
    {
        var webhook = await WebhookAsync();
        using var response = await Session.Client.PostAsync($"/api/v1/webhooks/{webhook}/test", null);
        return (webhook, (await ApiAssert.JsonAsync(response, HttpStatusCode.Accepted)).IdOf());
    }

    // A ping delivered to a receiver on 127.0.0.1, which answered 200.
    public async Task<(Guid Webhook, Guid Delivery)> FinishedDeliveryAsync()
    {
        var receiver = await WebhookReceiver.StartAsync();
        owned.Add(receiver);
        var webhook = (await Session.CreateWebhookAsync(receiver.UrlOf("/contract"), ["memory.created"])).IdOf();
        using var response = await Session.Client.PostAsync($"/api/v1/webhooks/{webhook}/test", null);
        var delivery = (await ApiAssert.JsonAsync(response, HttpStatusCode.Accepted)).IdOf();
        await App.Services.GetRequiredService<WebhookDeliveryRunner>().RunOnceAsync();
        await receiver.NextAsync();
        return (webhook, delivery);
    }

    // An export still queued: the export worker is stopped on this host.
    public async Task<Guid> QueuedExportAsync() => (await Session.StartExportAsync(new { format = "ndjson", include = new[] { "memories", "knowledge" } })).IdOf();

    public async Task<Guid> SucceededExportAsync()
    {
        await MemoryAsync();
        await KnowledgeAsync();
        var id = await QueuedExportAsync();
        await App.ExportRunner().RunOnceAsync();
        Assert.Equal("succeeded", (await Session.GetExportAsync(id)).Text("status"));
        return id;
    }

    // An ingestion job still queued: the ingestion worker is stopped on this host.
    public async Task<Guid> IngestJobAsync()
    {
        using var response = await Session.Client.PostAsJsonAsync("/api/v1/ingest/urls", new { url = "https://example.com/contract" });
        return (await ApiAssert.JsonAsync(response, HttpStatusCode.Accepted)).IdOf();
    }

    // Another key of the same account: all permissions but the named one, or a per-key limit.
    public async Task<HttpClient> ClientWithoutAsync(string permission) =>
        (await App.NewSessionAsync(Session.Owner, ApiSession.AllPermissions.Where(p => p != permission).ToList())).Client;

    public async Task<HttpClient> ClientLimitedToOneRequestPerMinuteAsync()
    {
        var created = await App.Services.GetRequiredService<ApiKeyStore>().CreateAsync(
            Session.Owner,
            new CreateApiKeyRequest($"contract-limited-{Guid.NewGuid():N}", ApiKeyEnvironment.Live, ApiSession.AllPermissions, ApiKeyExpiration.Never) { RequestsPerMinute = 1 });
        Assert.True(created.Succeeded, created.Error?.Message);
        return App.ApiClient(created.Value!.Secret);
    }

    public HttpClient Anonymous() => App.ApiClient(key: null);

    // A resource that lives as long as the scenario (a receiver, a second app).
    public T Own<T>(T resource)
        where T : IAsyncDisposable
    {
        owned.Add(resource);
        return resource;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var resource in owned)
        {
            await resource.DisposeAsync();
        }
    }
}
