using System.Globalization;
using MudBlazor;

namespace Memsolus.Dashboard.Webhooks;

// How the Webhooks screens word a delivery and a webhook's events, in one place for the list and
// the delivery log.
internal static class WebhookDisplay
{
    public static string Status(string status) => status switch
    {
        "succeeded" => "Succeeded",
        "failed" => "Failed",
        "pending" => "Pending",
        "canceled" => "Canceled",
        _ => status,
    };

    public static Color StatusColor(string status) => status switch
    {
        "succeeded" => Color.Success,
        "failed" => Color.Error,
        "pending" => Color.Info,
        _ => Color.Default,
    };

    // What the endpoint answered the latest attempt: "HTTP 200", or why there was no answer.
    public static string? Result(int? statusCode, string? error) =>
        statusCode is { } code ? $"HTTP {code}" : error;

    // When a delivery last changed: its latest attempt, or its creation while none was made.
    public static DateTimeOffset LastActivity(WebhookDeliveryDto delivery) =>
        delivery.Attempts.Count > 0 ? delivery.Attempts[^1].AttemptedAt : delivery.CreatedAt;

    public static string Events(IReadOnlyList<string> events) =>
        WebhookEventTypes.All.All(events.Contains) ? "All events" : string.Join(", ", events);

    public static string Duration(long milliseconds) =>
        milliseconds < 1_000 ? $"{milliseconds} ms" : string.Create(CultureInfo.InvariantCulture, $"{milliseconds / 1_000.0:0.0} s");
}
