using System.Net;
using Memsolus.Dashboard.Mail;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Notifications;

// The address every link in a mail points at: Email:PublicBaseUrl, or else the server's own first
// address. Never the Host header of the request that caused the mail: whoever sends that request
// chooses it, and a reset link pointing at their site would hand them the reset token.
internal sealed class PublicLinks(IOptions<MailOptions> options, IServer? server = null)
{
    private static readonly Uri LastResort = new("http://localhost/");

    private Uri? serverAddress;

    public Uri BaseUrl => options.Value.PublicBaseUrl is { } configured ? WithSlash(configured) : serverAddress ??= FromServer();

    // An app path ("/settings/api-keys", "Account/Login?x=1") under the public address.
    public Uri To(string pathAndQuery)
    {
        // Appended after the authority as text, so that nothing in it ("//host", "\\host") can name
        // another host, as resolving it as a relative URI could.
        var baseUrl = BaseUrl;
        return new Uri(baseUrl.GetLeftPart(UriPartial.Authority) + baseUrl.AbsolutePath + pathAndQuery.TrimStart('/', '\\'));
    }

    // A link a page built from the request (NavigationManager), moved onto the public address:
    // only its path, query and fragment are kept. Identity's template pages hand the sender the link
    // HTML-encoded; it is decoded first, so that it can be encoded once, correctly, per part.
    public Uri Rebase(string link)
    {
        var decoded = WebUtility.HtmlDecode(link);
        var pathAndQuery = Uri.TryCreate(decoded, UriKind.Absolute, out var absolute)
            ? absolute.PathAndQuery + absolute.Fragment
            : decoded;
        var basePath = BaseUrl.AbsolutePath;
        // A link already under the public address's path (an app behind a path base) keeps it once.
        if (basePath.Length > 1 && pathAndQuery.StartsWith(basePath, StringComparison.OrdinalIgnoreCase))
        {
            pathAndQuery = pathAndQuery[basePath.Length..];
        }

        return To(pathAndQuery);
    }

    private Uri FromServer()
    {
        var first = server?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (first is null)
        {
            return LastResort;
        }

        // Kestrel's "listen on every interface" forms are no address a mail reader can open.
        var address = first.Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://*", "://localhost", StringComparison.Ordinal)
            .Replace("://[::]", "://localhost", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal);
        return Uri.TryCreate(address, UriKind.Absolute, out var parsed) ? WithSlash(parsed) : LastResort;
    }

    private static Uri WithSlash(Uri url)
    {
        var builder = new UriBuilder(url) { Query = "", Fragment = "" };
        if (!builder.Path.EndsWith('/'))
        {
            builder.Path += "/";
        }

        return builder.Uri;
    }
}
