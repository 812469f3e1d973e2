using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Outbound;

namespace Memsolus.Dashboard.Webhooks;

// What a webhook's url, events and description may be: one rule for the API and the Webhooks page
// (which names its fields as its labels do: "Endpoint URL must …" where the API says "url must …").
internal static class WebhookRules
{
    public static string TooMany { get; } =
        $"An environment can have at most {Webhook.MaxPerEnvironment} webhooks; delete one first.";

    // Absolute http or https only, and not a literal address the outbound policy refuses. Whether a
    // host name may be reached is decided when connecting, on the address DNS gives then
    // (OutboundHttp).
    public static string? Url(ValidationErrors errors, string field, string? value, bool required, bool allowPrivateNetworks)
    {
        if (value is null)
        {
            if (required)
            {
                errors.Add(field, $"{field} is required.");
            }

            return null;
        }

        var url = value.Trim();
        if (url.Length is 0 || url.Length > Webhook.MaxUrlLength)
        {
            errors.Add(field, $"{field} must be 1 to {Webhook.MaxUrlLength} characters.");
            return null;
        }

        if (!StoredText.IsStorable(url))
        {
            errors.Add(field, $"{field} must be one line without NUL, control characters or unpaired surrogates.");
            return null;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
        {
            errors.Add(field, $"{field} must be an absolute http:// or https:// URL.");
            return null;
        }

        // HttpClient would not send them, and the URL is shown back in every listing.
        if (uri.UserInfo.Length > 0)
        {
            errors.Add(field, $"{field} must not contain a user name or password.");
            return null;
        }

        if (!allowPrivateNetworks && OutboundAddressPolicy.IsRefusedLiteralHost(uri))
        {
            errors.Add(field, $"{field} must not point at a loopback, private, link-local or metadata address.");
            return null;
        }

        return url;
    }

    public static List<string>? Events(ValidationErrors errors, string field, IReadOnlyList<string?>? values, bool required)
    {
        if (values is null)
        {
            if (required)
            {
                errors.Add(field, $"{field} is required: name at least one event.");
            }

            return null;
        }

        if (values.Count == 0)
        {
            errors.Add(field, $"{field} must name at least one event.");
            return null;
        }

        var events = new List<string>();
        foreach (var value in values)
        {
            if (value is null || !WebhookEventTypes.All.Contains(value, StringComparer.Ordinal))
            {
                errors.Add(field, $"{field} may contain only: {string.Join(", ", WebhookEventTypes.All)}.");
                return null;
            }

            if (!events.Contains(value, StringComparer.Ordinal))
            {
                events.Add(value);
            }
        }

        return events;
    }

    public static string? Description(ValidationErrors errors, string field, string? value) =>
        errors.Text(field, value, 0, Webhook.MaxDescriptionLength, required: false, multiline: true);
}
