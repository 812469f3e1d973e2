using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Exports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Tests.Api.Contract;

// Every operation of docs/api.md with a call that succeeds, and from it the calls that give each
// answer docs/api.md lists: no key (401), a key without the operation's permission (403), an id
// nobody has (404), input the API refuses (400), a body over the limit (413), a body that is not
// JSON (415), a key whose one request a minute is used up (429), and the answers only some
// operations have (409, 410, 206, 416). ApiContractTests sends each and checks the answer against
// the document; a status the document declares and no scenario gives fails its coverage check.
internal static partial class ContractScenarios
{
    private const string Json = "application/json";

    // The calls that succeed, by operation id.
    private static readonly Dictionary<string, (HttpStatusCode Status, Func<ContractContext, Task<HttpRequestMessage>> Request)> Successes = new()
    {
        ["GetMe"] = (HttpStatusCode.OK, _ => Get("/api/v1/me")),
        ["ListMemories"] = (HttpStatusCode.OK, c => GetAfter(c.MemoryAsync(), "/api/v1/memories?limit=5")),
        ["SearchMemories"] = (HttpStatusCode.OK, c => GetAfter(c.MemoryAsync(), "/api/v1/memories/search?q=contract&limit=5")),
        ["GetMemory"] = (HttpStatusCode.OK, async c => new(HttpMethod.Get, $"/api/v1/memories/{await c.MemoryAsync()}")),
        ["CreateMemory"] = (HttpStatusCode.Created, _ => Send(HttpMethod.Post, "/api/v1/memories", """{"content":"The customer prefers email","tags":["crm"],"metadata":{"source":"call","score":3}}""")),
        ["UpdateMemory"] = (HttpStatusCode.OK, async c => Body(HttpMethod.Patch, $"/api/v1/memories/{await c.MemoryAsync()}", """{"tags":["crm","vip"]}""")),
        ["DeleteMemory"] = (HttpStatusCode.NoContent, async c => new(HttpMethod.Delete, $"/api/v1/memories/{await c.MemoryAsync()}")),
        ["ListKnowledge"] = (HttpStatusCode.OK, c => GetAfter(c.KnowledgeAsync(), "/api/v1/knowledge?limit=5")),
        ["GetKnowledge"] = (HttpStatusCode.OK, async c => new(HttpMethod.Get, $"/api/v1/knowledge/{await c.KnowledgeAsync()}")),
        ["CreateKnowledge"] = (HttpStatusCode.Created, _ => Send(HttpMethod.Post, "/api/v1/knowledge", """{"title":"Refund policy","content":"Refunds within 30 days.","source":"handbook"}""")),
        ["UpdateKnowledge"] = (HttpStatusCode.OK, async c => Body(HttpMethod.Patch, $"/api/v1/knowledge/{await c.KnowledgeAsync()}", """{"title":"Refund policy, 2026"}""")),
        ["DeleteKnowledge"] = (HttpStatusCode.NoContent, async c => new(HttpMethod.Delete, $"/api/v1/knowledge/{await c.KnowledgeAsync()}")),
        ["ListWebhooks"] = (HttpStatusCode.OK, c => GetAfter(c.WebhookAsync(), "/api/v1/webhooks?limit=5")),
        ["GetWebhook"] = (HttpStatusCode.OK, async c => new(HttpMethod.Get, $"/api/v1/webhooks/{await c.WebhookAsync()}")),
        ["CreateWebhook"] = (HttpStatusCode.Created, _ => Send(HttpMethod.Post, "/api/v1/webhooks", """{"url":"https://hooks.example.com/contract","events":["memory.created","export.completed"],"description":"CRM sync"}""")),
        ["UpdateWebhook"] = (HttpStatusCode.OK, async c => Body(HttpMethod.Patch, $"/api/v1/webhooks/{await c.WebhookAsync()}", """{"description":"changed","enabled":false}""")),
        ["DeleteWebhook"] = (HttpStatusCode.NoContent, async c => new(HttpMethod.Delete, $"/api/v1/webhooks/{await c.WebhookAsync()}")),
        ["ListWebhookDeliveries"] = (HttpStatusCode.OK, async c => new(HttpMethod.Get, $"/api/v1/webhooks/{(await c.FinishedDeliveryAsync()).Webhook}/deliveries?limit=5")),
        ["TestWebhook"] = (HttpStatusCode.Accepted, async c => new(HttpMethod.Post, $"/api/v1/webhooks/{await c.WebhookAsync()}/test")),
        ["RedeliverWebhookDelivery"] = (HttpStatusCode.Accepted, async c =>
        {
            var (webhook, delivery) = await c.FinishedDeliveryAsync();
            return new(HttpMethod.Post, $"/api/v1/webhooks/{webhook}/deliveries/{delivery}/redeliver");
        }
        ),
        ["RollWebhookSecret"] = (HttpStatusCode.OK, async c => Body(HttpMethod.Post, $"/api/v1/webhooks/{await c.WebhookAsync()}/roll-secret", """{"oldSecretExpiresInHours":1}""")),
        ["ListExports"] = (HttpStatusCode.OK, c => GetAfter(c.SucceededExportAsync(), "/api/v1/exports?limit=5")),
        ["GetExport"] = (HttpStatusCode.OK, async c => new(HttpMethod.Get, $"/api/v1/exports/{await c.SucceededExportAsync()}")),
        ["CreateExport"] = (HttpStatusCode.Accepted, _ => Send(HttpMethod.Post, "/api/v1/exports", """{"format":"ndjson","include":["memories"]}""")),
        ["DownloadExport"] = (HttpStatusCode.OK, async c => new(HttpMethod.Get, $"/api/v1/exports/{await c.SucceededExportAsync()}/download")),
        ["ListIngestJobs"] = (HttpStatusCode.OK, c => GetAfter(c.IngestJobAsync(), "/api/v1/ingest/jobs?limit=5")),
        ["GetIngestJob"] = (HttpStatusCode.OK, async c => new(HttpMethod.Get, $"/api/v1/ingest/jobs/{await c.IngestJobAsync()}")),
        ["IngestFiles"] = (HttpStatusCode.Accepted, _ => Task.FromResult(Upload(("handbook.md", "# Refunds\n\nWithin 30 days.\n"u8.ToArray())))),
        ["IngestUrl"] = (HttpStatusCode.Accepted, _ => Send(HttpMethod.Post, "/api/v1/ingest/urls", """{"url":"https://example.com/refund-policy"}""")),
        ["GetUsage"] = (HttpStatusCode.OK, _ => Get("/api/v1/dashboard/usage")),
        ["GetAlerts"] = (HttpStatusCode.OK, _ => Get("/api/v1/dashboard/alerts")),
    };

    // The operations whose successful call carries a JSON body (IngestFiles carries a form).
    private static readonly HashSet<string> JsonBodies =
        ["CreateMemory", "UpdateMemory", "CreateKnowledge", "UpdateKnowledge", "CreateWebhook", "UpdateWebhook", "RollWebhookSecret", "CreateExport", "IngestUrl"];

    private static readonly HashSet<string> Lists =
        ["ListMemories", "SearchMemories", "ListKnowledge", "ListWebhooks", "ListWebhookDeliveries", "ListExports", "ListIngestJobs"];

    public static IReadOnlyList<ContractScenario> All { get; } = Build();

    public static IReadOnlyList<string> OperationIds => Successes.Keys.ToList();

    public static ContractScenario Named(string name) => All.Single(s => s.Name == name);

    public static Guid IdOf(this JsonElement resource) => resource.GetProperty("id").GetGuid();

    private static List<ContractScenario> Build()
    {
        var scenarios = new List<ContractScenario>();
        foreach (var (id, (status, request)) in Successes)
        {
            var permission = id == "GetMe" ? null : RequiredPermission(id);
            scenarios.Add(new(id, status, "succeeds", async c => await c.Session.Client.SendAsync(await request(c))));
            scenarios.Add(new(id, HttpStatusCode.Unauthorized, "without a key", async c => await c.Anonymous().SendAsync(await request(c))));
            if (permission is not null)
            {
                scenarios.Add(new(id, HttpStatusCode.Forbidden, $"with a key lacking {permission}", async c =>
                {
                    var client = await c.ClientWithoutAsync(permission);
                    return await client.SendAsync(await request(c));
                }));
            }

            // On an app of its own whose database goes away once the call is prepared, with a key
            // no node has cached, so that the key check itself needs the database.
            scenarios.Add(new(id, HttpStatusCode.ServiceUnavailable, "when the database is down", async c =>
            {
                var outage = c.Own(await DatabaseOutageHost.StartAsync(c.App.Options));
                await using var onOutage = await ContractContext.StartAsync(outage.App);
                var prepared = await request(onOutage);
                var uncached = await outage.App.NewSessionAsync(onOutage.Session.Owner);
                outage.Cut();
                return await uncached.Client.SendAsync(prepared);
            }));

            scenarios.Add(new(id, HttpStatusCode.TooManyRequests, "once the key's one request a minute is used", async c =>
            {
                var client = await c.ClientLimitedToOneRequestPerMinuteAsync();
                using var first = await client.GetAsync("/api/v1/me");
                await ApiAssert.StatusAsync(first, HttpStatusCode.OK);
                return await client.SendAsync(await request(c));
            }));

            if (id.Contains("Get", StringComparison.Ordinal) || id.StartsWith("Update", StringComparison.Ordinal) || id.StartsWith("Delete", StringComparison.Ordinal)
                || id is "ListWebhookDeliveries" or "TestWebhook" or "RedeliverWebhookDelivery" or "RollWebhookSecret" or "DownloadExport")
            {
                if (id is not ("GetMe" or "GetUsage" or "GetAlerts"))
                {
                    scenarios.Add(new(id, HttpStatusCode.NotFound, "for an id nobody has", async c => await c.Session.Client.SendAsync(WithUnknownIds(await request(c)))));
                }
            }

            if (JsonBodies.Contains(id))
            {
                scenarios.Add(new(id, HttpStatusCode.BadRequest, "with a NUL in a string", async c =>
                    await c.Session.Client.SendAsync(WithBody(await request(c), """{"content":"\u0000","title":"\u0000","url":"\u0000","description":"\u0000","format":"\u0000"}""", Json))));
                scenarios.Add(new(id, HttpStatusCode.RequestEntityTooLarge, "with a body over 1 MiB", async c =>
                    await c.Session.Client.SendAsync(WithBody(await request(c), $$"""{"content":"{{new string('a', 1024 * 1024 + 1)}}"}""", Json))));
                scenarios.Add(new(id, HttpStatusCode.UnsupportedMediaType, "with a text/plain body", async c =>
                    await c.Session.Client.SendAsync(WithBody(await request(c), "content=text", "text/plain"))));
            }

            if (Lists.Contains(id))
            {
                scenarios.Add(new(id, HttpStatusCode.BadRequest, "with limit=0", async c => await c.Session.Client.SendAsync(WithQuery(await request(c), "limit", "0"))));
            }
        }

        scenarios.AddRange(
        [
            new("GetMe", HttpStatusCode.Forbidden, "from an address outside the key's allowlist", async c =>
            {
                var created = await c.App.Services.GetRequiredService<ApiKeyStore>().CreateAsync(
                    c.Session.Owner,
                    new CreateApiKeyRequest($"contract-allowlist-{Guid.NewGuid():N}", ApiKeyEnvironment.Live, ApiSession.AllPermissions, ApiKeyExpiration.Never, AllowedNetworks: "192.0.2.0/24"));
                Assert.True(created.Succeeded, created.Error?.Message);
                return await c.App.ApiClient(created.Value!.Secret).GetAsync("/api/v1/me");
            }),
            new("IngestFiles", HttpStatusCode.BadRequest, "with no files", c => c.Session.Client.SendAsync(Upload())),
            new("IngestFiles", HttpStatusCode.RequestEntityTooLarge, "with a file over 1 MiB", c =>
                c.Session.Client.SendAsync(Upload(("big.txt", Encoding.UTF8.GetBytes(new string('a', 1024 * 1024 + 1)))))),
            new("IngestFiles", HttpStatusCode.UnsupportedMediaType, "sent as JSON", c =>
                c.Session.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest/files") { Content = JsonContent.Create(new { files = "handbook.md" }) })),
            new("CreateWebhook", HttpStatusCode.Conflict, "as the 21st webhook of the environment", async c =>
            {
                for (var i = 0; i < Dashboard.Webhooks.Webhook.MaxPerEnvironment; i++)
                {
                    await c.WebhookAsync();
                }

                return await c.Session.Client.SendAsync(await Send(HttpMethod.Post, "/api/v1/webhooks", """{"url":"https://hooks.example.com/one-too-many","events":["memory.created"]}"""));
            }),
            new("RedeliverWebhookDelivery", HttpStatusCode.Conflict, "while the delivery is still pending", async c =>
            {
                var (webhook, delivery) = await c.PendingDeliveryAsync();
                return await c.Session.Client.PostAsync($"/api/v1/webhooks/{webhook}/deliveries/{delivery}/redeliver", null);
            }),
            new("CreateExport", HttpStatusCode.TooManyRequests, "past the pending exports an owner may have", async c =>
            {
                var limit = c.App.Services.GetRequiredService<IOptions<ExportsOptions>>().Value.MaxPendingPerOwner;
                for (var i = 0; i < limit; i++)
                {
                    await c.QueuedExportAsync();
                }

                return await c.Session.Client.SendAsync(await Send(HttpMethod.Post, "/api/v1/exports", """{"format":"json"}"""));
            }),
            new("DownloadExport", HttpStatusCode.Conflict, "while the export is queued", async c =>
                await c.Session.Client.GetAsync($"/api/v1/exports/{await c.QueuedExportAsync()}/download")),
            new("DownloadExport", HttpStatusCode.Gone, "after the export expired", async c =>
            {
                var id = await c.SucceededExportAsync();
                c.App.Clock.Advance(c.App.Services.GetRequiredService<IOptions<ExportsOptions>>().Value.Retention + TimeSpan.FromMinutes(1));
                return await c.Session.Client.GetAsync($"/api/v1/exports/{id}/download");
            }),
            new("DownloadExport", HttpStatusCode.PartialContent, "for its first ten bytes", async c =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/exports/{await c.SucceededExportAsync()}/download");
                request.Headers.Range = new(0, 9);
                return await c.Session.Client.SendAsync(request);
            }),
            new("DownloadExport", HttpStatusCode.RequestedRangeNotSatisfiable, "for a range past its end", async c =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/exports/{await c.SucceededExportAsync()}/download");
                request.Headers.Range = new(100_000_000, null);
                return await c.Session.Client.SendAsync(request);
            }),
        ]);
        return scenarios;
    }

    private static string RequiredPermission(string operationId) =>
        ApiEndpointCatalogue.All.Concat(Exports.ExportEndpoints.All).Concat(Webhooks.WebhookEndpointCatalogue.All).Append(Webhooks.WebhookEndpointCatalogue.Redeliver)
            .Select(e => (e.OperationId, e.Permission))
            .Concat(Ingestion.IngestEndpoints.All.Select(e => (e.OperationId, e.Permission)))
            .Single(e => e.OperationId == operationId).Permission;

    // A GET once what it should find exists.
    private static async Task<HttpRequestMessage> GetAfter<T>(Task<T> made, string path)
    {
        await made;
        return new HttpRequestMessage(HttpMethod.Get, path);
    }

    private static Task<HttpRequestMessage> Get(string path) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, path));

    private static Task<HttpRequestMessage> Send(HttpMethod method, string path, string json) => Task.FromResult(Body(method, path, json));

    private static HttpRequestMessage Body(HttpMethod method, string path, string json) =>
        new(method, path) { Content = new StringContent(json, Encoding.UTF8, Json) };

    private static HttpRequestMessage WithBody(HttpRequestMessage request, string body, string mediaType)
    {
        request.Content = new StringContent(body, Encoding.UTF8);
        request.Content.Headers.ContentType = new(mediaType);
        return request;
    }

    private static HttpRequestMessage WithQuery(HttpRequestMessage request, string name, string value)
    {
        var uri = request.RequestUri!.OriginalString;
        var kept = uri.Split('?') is [var path, var query]
            ? path + "?" + string.Join('&', query.Split('&').Where(p => !p.StartsWith(name + "=", StringComparison.Ordinal)).Append($"{name}={value}"))
            : $"{uri}?{name}={value}";
        request.RequestUri = new Uri(kept, UriKind.Relative);
        return request;
    }

    // Every id in the path replaced by one nobody has.
    private static HttpRequestMessage WithUnknownIds(HttpRequestMessage request)
    {
        request.RequestUri = new Uri(GuidPattern().Replace(request.RequestUri!.OriginalString, _ => Guid.NewGuid().ToString()), UriKind.Relative);
        return request;
    }

    private static HttpRequestMessage Upload(params (string Name, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new("application/octet-stream");
            form.Add(part, "files", name);
        }

        if (files.Length == 0)
        {
            form.Add(new StringContent("none"), "note");
        }

        return new HttpRequestMessage(HttpMethod.Post, "/api/v1/ingest/files") { Content = form };
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex GuidPattern();
}
