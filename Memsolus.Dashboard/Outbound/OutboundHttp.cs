using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Outbound;

// The HttpClients for customer-controlled URLs. Every connection goes through ConnectCallback,
// which resolves the host itself and refuses non-public addresses unless configured otherwise;
// redirects are limited and can only lead to http or https.
internal static class OutboundHttp
{
    public const string ClientName = "outbound";

    // For webhook deliveries: a redirect would turn the signed POST into a GET to another URL, so
    // a 3xx is an answer to record, not a hop to follow.
    public const string WebhookClientName = "outbound-webhooks";

    // Neither client logs: the default HttpClient logging writes each request's URL at Information,
    // and customers' webhook and import URLs can carry tokens in their paths or query strings.
    internal static void AddClient(IServiceCollection services, string name, bool followRedirects) =>
        services.AddHttpClient(name, (services, client) =>
            {
                client.Timeout = services.GetRequiredService<IOptions<OutboundOptions>>().Value.Timeout;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Memsolus/1.0 (+https://memsolus.example)");
            })
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(services =>
            {
                var options = services.GetRequiredService<IOptions<OutboundOptions>>().Value;
                return new SocketsHttpHandler
                {
                    AllowAutoRedirect = followRedirects && options.MaxRedirects > 0,
                    MaxAutomaticRedirections = Math.Max(1, options.MaxRedirects),
                    UseProxy = false,
                    UseCookies = false,
                    ConnectCallback = (context, cancellationToken) => ConnectAsync(context, options.AllowPrivateNetworks, cancellationToken),
                };
            });

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, bool allowPrivate, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = allowPrivate ? addresses : addresses.Where(OutboundAddressPolicy.IsPublic).ToArray();
        if (allowed.Length == 0)
        {
            throw new OutboundAddressRefusedException($"Refused to connect to {host}: it resolves only to loopback, private, link-local or metadata addresses.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
