namespace Memsolus.Dashboard.Api;

// Api:* — rules for the /api/v1 group as a whole.
internal sealed class ApiOptions
{
    public const string SectionName = "Api";

    // A plain-HTTP API request is answered 403 (never redirected: a redirect would only teach a
    // client to send its key in clear text first). HTTPS is the request's own scheme, or the
    // X-Forwarded-Proto of a trusted proxy (ForwardedHeaders:*). Unset: true outside Development
    // (ApiExtensions decides).
    public bool? RequireHttps { get; set; }
}
