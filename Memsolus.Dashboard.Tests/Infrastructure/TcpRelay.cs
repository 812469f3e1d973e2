using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// A TCP relay on 127.0.0.1 in front of a server (the tests' PostgreSQL), so a test can take the
// server away from the app for real and give it back: Cut() resets every relayed connection and
// stops listening, so new connections are refused as by a server that is down; Restore() listens
// on the same port again. The server itself, and every other test's connections to it, are
// never touched.
internal sealed class TcpRelay : IAsyncDisposable
{
    private readonly IPEndPoint target;
    private readonly Lock gate = new();
    private readonly HashSet<Socket> sockets = [];
    private TcpListener? listener;
    private CancellationTokenSource? accepting;

    private TcpRelay(IPEndPoint target)
    {
        this.target = target;
    }

    public int Port { get; private set; }

    public bool IsUp
    {
        get
        {
            lock (gate)
            {
                return listener is not null;
            }
        }
    }

    // A relay to the server a PostgreSQL connection string names (an IP address and port).
    public static TcpRelay ToPostgres(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var host = builder.Host ?? "localhost";
        var address = IPAddress.TryParse(host, out var parsed) ? parsed : Dns.GetHostAddresses(host)[0];
        var relay = new TcpRelay(new IPEndPoint(address, builder.Port));
        relay.Restore();
        return relay;
    }

    // The same connection string, through the relay.
    public string Relayed(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Host = IPAddress.Loopback.ToString(), Port = Port }.ConnectionString;

    public void Cut()
    {
        List<Socket> open;
        lock (gate)
        {
            accepting?.Cancel();
            listener?.Stop();
            listener = null;
            open = [.. sockets];
            sockets.Clear();
        }

        foreach (var socket in open)
        {
            Reset(socket);
        }
    }

    public void Restore()
    {
        lock (gate)
        {
            // The first time on a free port, then on that one again.
            if (listener is null)
            {
                Start(Port);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }

    private void Start(int port)
    {
        var started = new TcpListener(IPAddress.Loopback, port);
        started.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        started.Start();
        Port = ((IPEndPoint)started.LocalEndpoint).Port;
        listener = started;
        accepting = new CancellationTokenSource();
        _ = AcceptAsync(started, accepting.Token);
    }

    private async Task AcceptAsync(TcpListener from, CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await from.AcceptSocketAsync(cancellation);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = RelayAsync(client, cancellation);
        }
    }

    private async Task RelayAsync(Socket client, CancellationToken cancellation)
    {
        var server = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        lock (gate)
        {
            if (cancellation.IsCancellationRequested)
            {
                Reset(client);
                server.Dispose();
                return;
            }

            sockets.Add(client);
            sockets.Add(server);
        }

        try
        {
            await server.ConnectAsync(target, cancellation);
            await Task.WhenAny(PumpAsync(client, server), PumpAsync(server, client));
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            lock (gate)
            {
                sockets.Remove(client);
                sockets.Remove(server);
            }

            client.Dispose();
            server.Dispose();
        }
    }

    private static async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
        }
    }

    // A reset, as when a server dies, rather than an orderly close.
    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(enable: true, seconds: 0);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
        }

        socket.Dispose();
    }
}
