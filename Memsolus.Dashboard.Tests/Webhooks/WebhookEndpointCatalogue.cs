using System.Net;
using System.Text;
using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Tests.Webhooks;

// The webhook operations of docs/api.md, each with the permission it requires and what a
// successful call answers; {id} stands for an existing webhook of the caller's.
internal static class WebhookEndpointCatalogue
{
    public static IReadOnlyList<ApiEndpoint> All { get; } =
    [
        new("ListWebhooks", HttpMethod.Get, "/api/v1/webhooks", Permissions.WebhookRead, HttpStatusCode.OK),
        new("GetWebhook", HttpMethod.Get, "/api/v1/webhooks/{id}", Permissions.WebhookRead, HttpStatusCode.OK),
        new("ListWebhookDeliveries", HttpMethod.Get, "/api/v1/webhooks/{id}/deliveries", Permissions.WebhookRead, HttpStatusCode.OK),
        new("CreateWebhook", HttpMethod.Post, "/api/v1/webhooks", Permissions.WebhookWrite, HttpStatusCode.Created, """{"url":"https://hooks.example.com/matrix","events":["memory.created"]}"""),
        new("UpdateWebhook", HttpMethod.Patch, "/api/v1/webhooks/{id}", Permissions.WebhookWrite, HttpStatusCode.OK, """{"description":"changed by the matrix"}"""),
        new("TestWebhook", HttpMethod.Post, "/api/v1/webhooks/{id}/test", Permissions.WebhookWrite, HttpStatusCode.Accepted),
        new("RollWebhookSecret", HttpMethod.Post, "/api/v1/webhooks/{id}/roll-secret", Permissions.WebhookWrite, HttpStatusCode.OK, """{"oldSecretExpiresInHours":1}"""),
        new("DeleteWebhook", HttpMethod.Delete, "/api/v1/webhooks/{id}", Permissions.WebhookDelete, HttpStatusCode.NoContent),
    ];

    // Needs a finished delivery besides the webhook, so it is not in All (whose matrix seeds only a
    // webhook); WebhookTestAndRedeliverTests covers its permission.
    public static ApiEndpoint Redeliver { get; } =
        new("RedeliverWebhookDelivery", HttpMethod.Post, "/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver", Permissions.WebhookWrite, HttpStatusCode.Accepted);

    public static TheoryData<string> OperationIds => new(All.Select(e => e.OperationId));

    public static HttpRequestMessage Request(this ApiEndpoint endpoint, Guid webhookId) =>
        new(endpoint.Method, endpoint.Path.Replace("{id}", webhookId.ToString(), StringComparison.Ordinal))
        {
            Content = endpoint.Body is null ? null : new StringContent(endpoint.Body, Encoding.UTF8, "application/json"),
        };
}
