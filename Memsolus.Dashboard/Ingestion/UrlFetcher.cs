using System.Net.Http.Headers;
using Memsolus.Dashboard.Outbound;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Ingestion;

// Fetches one customer URL through the "outbound" client, which refuses non-public addresses at
// connect time (for the first request and for every redirect) and limits redirects. Here: the
// final scheme, the status, the content type, a byte cap while reading, and a deadline for the
// whole exchange (the client's own timeout stops at the response headers).
internal sealed class UrlFetcher(
    IHttpClientFactory clients,
    IOptions<IngestOptions> options,
    IOptions<OutboundOptions> outbound,
    TimeProvider clock)
{
    public async Task<FetchResult> FetchAsync(Uri url, CancellationToken cancellationToken)
    {
        var timeout = outbound.Value.Timeout;
        using var deadline = new CancellationTokenSource(timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await FetchCoreAsync(url, linked.Token);
        }
        catch (Exception exception) when (FindRefusal(exception) is { } refusal)
        {
            return FetchResult.Failed(refusal.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return FetchResult.Failed($"The URL did not answer within {timeout.TotalSeconds:0.#} seconds.");
        }
        catch (HttpRequestException exception)
        {
            return FetchResult.Failed(exception.HttpRequestError switch
            {
                HttpRequestError.NameResolutionError => "The URL's host name could not be resolved.",
                HttpRequestError.ConnectionError => "Could not connect to the URL's host.",
                HttpRequestError.SecureConnectionError => "Could not establish a secure (TLS) connection to the URL's host.",
                HttpRequestError.ResponseEnded => "The URL's server closed the connection before the response was complete.",
                _ => "The URL could not be fetched.",
            });
        }
    }

    private async Task<FetchResult> FetchCoreAsync(Uri url, CancellationToken cancellationToken)
    {
        var maxBytes = options.Value.MaxUrlBytes;
        var client = clients.CreateClient(OutboundHttp.ClientName);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("text/html, application/xhtml+xml, text/markdown, text/plain;q=0.9, */*;q=0.1");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

        var final = response.RequestMessage?.RequestUri ?? url;
        if (final.Scheme != Uri.UriSchemeHttp && final.Scheme != Uri.UriSchemeHttps)
        {
            return FetchResult.Failed("The URL redirected to a scheme other than http or https.");
        }

        var status = (int)response.StatusCode;
        if (status is >= 300 and < 400)
        {
            var max = outbound.Value.MaxRedirects;
            return FetchResult.Failed(max == 0
                ? "The URL answered with a redirect; redirects are not followed."
                : $"The URL redirected more than {max} times, or to a location that cannot be followed.");
        }

        if (!response.IsSuccessStatusCode)
        {
            var reason = string.IsNullOrWhiteSpace(response.ReasonPhrase) ? "" : $" {response.ReasonPhrase}";
            return FetchResult.Failed($"The URL answered {status}{reason}.");
        }

        var contentType = response.Content.Headers.ContentType;
        var kind = KindOf(contentType);
        if (kind == PageKind.Unsupported)
        {
            return FetchResult.Failed($"The URL serves {contentType!.MediaType}; only HTML, Markdown and plain text can be imported.");
        }

        var tooLarge = $"The URL's content is larger than {Sizes.Describe(maxBytes)}.";
        if (response.Content.Headers.ContentLength > maxBytes)
        {
            return FetchResult.Failed(tooLarge);
        }

        var bytes = await ReadCappedAsync(response.Content, maxBytes, cancellationToken);
        if (bytes is null)
        {
            return FetchResult.Failed(tooLarge);
        }

        var text = TextDecoding.DecodeLenient(bytes, contentType?.CharSet);
        if (kind == PageKind.Unknown)
        {
            kind = LooksLikeHtml(text) ? PageKind.Html : PageKind.Text;
        }

        if (kind == PageKind.Html)
        {
            var reduced = HtmlText.Reduce(text);
            return new FetchResult(new FetchedPage(final, reduced.Title, reduced.Text), null);
        }

        return new FetchResult(new FetchedPage(final, DocumentTitle.Of(text), text.Trim()), null);
    }

    // Null when the body holds more than maxBytes: reading stops there, whatever the server sends.
    private static async Task<byte[]?> ReadCappedAsync(HttpContent content, long maxBytes, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private enum PageKind
    {
        Unknown,
        Html,
        Text,
        Unsupported,
    }

    private static PageKind KindOf(MediaTypeHeaderValue? contentType) => contentType?.MediaType?.ToLowerInvariant() switch
    {
        null or "" => PageKind.Unknown,
        "text/html" or "application/xhtml+xml" => PageKind.Html,
        "text/plain" or "text/markdown" or "text/x-markdown" => PageKind.Text,
        _ => PageKind.Unsupported,
    };

    private static bool LooksLikeHtml(string text)
    {
        var start = text.AsSpan().TrimStart();
        return start.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase)
            || start.StartsWith("<html", StringComparison.OrdinalIgnoreCase);
    }

    // The connect-time refusal arrives wrapped by the handler; its message names the host only.
    private static OutboundAddressRefusedException? FindRefusal(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is OutboundAddressRefusedException refusal)
            {
                return refusal;
            }
        }

        return null;
    }
}
