using Memsolus.Dashboard.Api;

namespace Memsolus.Dashboard.Webhooks;

// What the Add endpoint and Edit dialogs hold while the owner types (WebhookFields shows it), and
// the errors WebhookRules found in it, per field. Public because WebhookFields takes it as a parameter.
public sealed class WebhookForm
{
    public const string UrlLabel = "Endpoint URL";
    public const string DescriptionLabel = "Description";
    public const string EventsLabel = "Events";

    public string? Url { get; set; }

    public string? Description { get; set; }

    public HashSet<string> Events { get; } = new(StringComparer.Ordinal);

    public string? UrlError { get; set; }

    public string? DescriptionError { get; set; }

    public string? EventsError { get; set; }

    internal static WebhookForm From(WebhookDto webhook)
    {
        var form = new WebhookForm { Url = webhook.Url, Description = webhook.Description };
        form.Events.UnionWith(webhook.Events);
        return form;
    }

    // The chosen events in the order the page lists them (WebhookEventTypes.All).
    internal List<string?> ChosenEvents() => WebhookEventTypes.All.Where(Events.Contains).Cast<string?>().ToList();

    // The API's rules (WebhookRules) with the dialog's labels as field names; false with each
    // field's first error set when anything is wrong.
    internal bool TryValidate(bool allowPrivateNetworks, out string url, out List<string> events, out string description)
    {
        var errors = new ValidationErrors();
        url = WebhookRules.Url(errors, UrlLabel, string.IsNullOrWhiteSpace(Url) ? null : Url, required: true, allowPrivateNetworks) ?? "";
        events = WebhookRules.Events(errors, EventsLabel, ChosenEvents(), required: true) ?? [];
        description = WebhookRules.Description(errors, DescriptionLabel, Description ?? "") ?? "";
        var found = errors.ToDictionary();
        UrlError = First(found, UrlLabel);
        EventsError = First(found, EventsLabel);
        DescriptionError = First(found, DescriptionLabel);
        return errors.IsValid;
    }

    private static string? First(IDictionary<string, string[]> errors, string field) =>
        errors.TryGetValue(field, out var messages) ? messages[0] : null;
}
