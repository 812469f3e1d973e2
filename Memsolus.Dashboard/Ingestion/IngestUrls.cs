using Memsolus.Dashboard.Api;

namespace Memsolus.Dashboard.Ingestion;

// What a URL to import must be, for the API (POST /ingest/urls) and the Ingestion page alike: an
// absolute http or https URL with a host, no user name or password, at most IngestJob.MaxUrlLength
// characters once normalised. Where it may lead (private addresses, redirects) is checked when the
// worker connects (Outbound/), for both the same way.
internal static class IngestUrls
{
    // The URL as the job keeps it (its absolute form), or null with the reason added under `field`
    // (to errors that hold nothing yet).
    public static string? Check(ValidationErrors errors, string field, string? value)
    {
        var text = errors.Text(field, value, 1, IngestJob.MaxUrlLength, required: true);
        if (!errors.IsValid)
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps) || url.Host.Length == 0)
        {
            errors.Add(field, $"{field} must be an absolute http or https URL.");
        }
        else if (url.UserInfo.Length > 0)
        {
            errors.Add(field, $"{field} must not contain a user name or password.");
        }
        else if (url.AbsoluteUri.Length > IngestJob.MaxUrlLength)
        {
            errors.Add(field, $"{field} must be at most {IngestJob.MaxUrlLength} characters.");
        }
        else
        {
            return url.AbsoluteUri;
        }

        return null;
    }
}
