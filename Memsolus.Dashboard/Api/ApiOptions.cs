using System.ComponentModel.DataAnnotations;

namespace Memsolus.Dashboard.Api;

// Api:* — rules for the /api/v1 group as a whole.
internal sealed class ApiOptions : IValidatableObject
{
    public const string SectionName = "Api";

    // A plain-HTTP API request is answered 403 (never redirected: a redirect would only teach a
    // client to send its key in clear text first). HTTPS is the request's own scheme, or the
    // X-Forwarded-Proto of a trusted proxy (ForwardedHeaders:*). Unset: true outside Development
    // (ApiExtensions decides).
    public bool? RequireHttps { get; set; }

    // The app's address as API clients reach it, such as https://memsolus.example.com: the server
    // URL of the OpenAPI document (ApiDocumentServer). Never taken from a request's Host header,
    // which the caller chooses; unset, the document names the relative server "/".
    public Uri? PublicUrl { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PublicUrl is { } url
            && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https") || url.Query.Length > 0 || url.Fragment.Length > 0 || url.UserInfo.Length > 0))
        {
            yield return new ValidationResult(
                "Api:PublicUrl must be an absolute http(s) URL without query, fragment or user name, such as https://memsolus.example.com.",
                [nameof(PublicUrl)]);
        }
    }
}
