using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Memsolus.Dashboard.Ingestion;

namespace Memsolus.Dashboard.Tests.Ingestion;

// The apps the ingestion suites run on. Completed jobs are caught from the ingest.completed event
// (RecordWebhookEvents), so tests wait for the worker without sleeping.
internal static class IngestHosts
{
    public const int MaxFiles = 3;
    public const int MaxFileBytes = 16 * 1024;
    public const int MaxTotalBytes = 32 * 1024;
    public const int MaxUrlBytes = 16 * 1024;

    // One host name that stands for a public web site (PublicOnly).
    public const string PublicHost = "public.test";

    // The real worker, private networks allowed so it can fetch from a LoopbackServer, and small
    // limits so tests can cross them with small bodies.
    public static TestHostOptions Worker { get; } = new()
    {
        AllowPrivateNetworks = true,
        RecordWebhookEvents = true,
        Settings = new Dictionary<string, string?>
        {
            ["Ingest:MaxFiles"] = MaxFiles.ToString(CultureInfo.InvariantCulture),
            ["Ingest:MaxFileBytes"] = MaxFileBytes.ToString(CultureInfo.InvariantCulture),
            ["Ingest:MaxTotalBytes"] = MaxTotalBytes.ToString(CultureInfo.InvariantCulture),
            ["Ingest:MaxUrlBytes"] = MaxUrlBytes.ToString(CultureInfo.InvariantCulture),
        },
    };

    // No worker: a test runs jobs itself with IngestRunner.RunOnceAsync, on a clock it moves.
    public static TestHostOptions Manual { get; } = Worker with { FakeClock = true, StoppedWorkers = [typeof(IngestWorker)] };

    // Outbound:AllowPrivateNetworks false, as in production, and the default limits. PublicHost's
    // connections reach a loopback listener as if DNS had answered a public address; every other
    // host goes through the app's own connect callback, so a redirect from PublicHost to a private
    // address meets the real check.
    public static TestHostOptions PublicOnly { get; } = new()
    {
        RecordWebhookEvents = true,
        OutboundHandler = sockets =>
        {
            var appCallback = sockets.ConnectCallback!;
            sockets.ConnectCallback = (context, cancellationToken) => context.DnsEndPoint.Host == PublicHost
                ? ConnectToLoopbackAsync(context.DnsEndPoint.Port, cancellationToken)
                : appCallback(context, cancellationToken);
        },
    };

    private static async ValueTask<Stream> ConnectToLoopbackAsync(int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
