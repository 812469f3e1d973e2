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

    // What a receiver does with Memsolus-Signature: t=<unix>,v1=<hex>[,v1=<hex>], the recipe of
    // docs/api.md. The HMAC-SHA256 key is the UTF-8 of the whole whsec_ secret; the signed bytes are
    // "{t}." followed by the raw body; any v1 that matches is enough (after a roll the header holds
    // one per secret still signing).
    public static bool SignatureIsValid(ReceivedWebhook request, string secret, out long timestamp)
    {
        timestamp = 0;
        var parts = (request.Signature ?? "").Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToList();
        var t = parts.FirstOrDefault(p => p[0] == "t")?[1];
        var signatures = parts.Where(p => p[0] == "v1").Select(p => p[1]).ToList();
        if (t is null || !long.TryParse(t, out timestamp) || signatures.Count == 0)
        {
            return false;
        }

        var signed = Encoding.UTF8.GetBytes($"{t}.").Concat(request.Body).ToArray();
        var expected = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed)));
        return signatures.Any(v1 => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(v1), expected));
    }

    // The v1 values of a request's signature header, in order.
    public static IReadOnlyList<string> Signatures(this ReceivedWebhook request) =>
        (request.Signature ?? "").Split(',').Where(p => p.StartsWith("v1=", StringComparison.Ordinal)).Select(p => p[3..]).ToList();

    public static async Task<JsonElement> RollSecretAsync(this ApiSession session, JsonElement webhook, int? oldSecretExpiresInHours = null)
    {
        using var response = oldSecretExpiresInHours is { } hours
            ? await session.Client.PostAsJsonAsync($"/api/v1/webhooks/{webhook.Id()}/roll-secret", new { oldSecretExpiresInHours = hours }, ApiSession.Json)
            : await session.Client.PostAsync($"/api/v1/webhooks/{webhook.Id()}/roll-secret", null);
        return await ApiAssert.JsonAsync(response);
    }

    public static JsonElement Json(this ReceivedWebhook request) => JsonDocument.Parse(request.Body).RootElement.Clone();
}
