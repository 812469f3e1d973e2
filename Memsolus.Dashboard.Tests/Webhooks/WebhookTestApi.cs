using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Memsolus.Dashboard.Webhooks;


namespace Memsolus.Dashboard.Tests.Webhooks;

internal static class WebhookTestApi
{
    public static IReadOnlyList<string> AllEvents => WebhookEventTypes.All;

    public static async Task<JsonElement> CreateWebhookAsync(this ApiSession session, string url, IReadOnlyList<string> events, string? description = null, bool? enabled = null)
    {
        using var response = await session.Client.PostAsJsonAsync("/api/v1/webhooks", new { url, events, description, enabled }, ApiSession.Json);
        return await ApiAssert.JsonAsync(response, HttpStatusCode.Created);
    }

    public static Guid Id(this JsonElement resource) => resource.GetProperty("id").GetGuid();

    public static Task<List<JsonElement>> DeliveriesAsync(this ApiSession session, JsonElement webhook) =>
        session.ListAsync($"/api/v1/webhooks/{webhook.Id()}/deliveries?limit=100");

    // What a receiver does with Memsolus-Signature: t=<unix>,v1=<hex>. The HMAC-SHA256 key is the
    // UTF-8 of the whole whsec_ secret; the signed bytes are "{t}." followed by the raw body.
    public static bool SignatureIsValid(ReceivedWebhook request, string secret, out long timestamp)
    {
        timestamp = 0;
        var parts = (request.Signature ?? "").Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("t", out var t) || !long.TryParse(t, out timestamp) || !parts.TryGetValue("v1", out var v1))
        {
            return false;
        }

        var signed = Encoding.UTF8.GetBytes($"{t}.").Concat(request.Body).ToArray();
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(v1), Encoding.ASCII.GetBytes(Convert.ToHexStringLower(expected)));
    }

    public static JsonElement Json(this ReceivedWebhook request) => JsonDocument.Parse(request.Body).RootElement.Clone();
}
