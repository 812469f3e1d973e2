using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Memsolus.Dashboard.LoadTest;

// The customer's endpoint for WebhookScale: Kestrel on loopback in this process, answering 200 to
// every POST at once. It counts POSTs per event id (the "id" of the body) and, for each event's
// first POST, the time from the event's "createdAt" (set when the app published it) to arrival.
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private ConcurrentDictionary<string, int> posts = new();
    private ConcurrentBag<double> latencies = [];
    private long lastArrivalTicks;

    private WebhookReceiver(WebApplication app) => this.app = app;

    public Uri Url { get; private set; } = null!;

    public int Posts => posts.Values.Sum();

    public int Distinct => posts.Count;

    public int Duplicates => posts.Values.Sum(v => v - 1);

    public IReadOnlyCollection<double> LatenciesMs => latencies;

    public DateTimeOffset LastArrival => new(Interlocked.Read(ref lastArrivalTicks), TimeSpan.Zero);

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", receiver.ReceiveAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(new Uri(address), "/hook");
        return receiver;
    }

    // Starts counting afresh (a new phase of the check).
    public void Reset()
    {
        posts = new ConcurrentDictionary<string, int>();
        latencies = [];
        Interlocked.Exchange(ref lastArrivalTicks, 0);
    }

    private async Task ReceiveAsync(HttpContext http)
    {
        var arrived = DateTimeOffset.UtcNow;
        using var body = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        var id = body.RootElement.GetProperty("id").GetString()!;
        var createdAt = body.RootElement.GetProperty("createdAt").GetDateTimeOffset();
        if (posts.AddOrUpdate(id, 1, (_, n) => n + 1) == 1)
        {
            latencies.Add((arrived - createdAt).TotalMilliseconds);
        }

        var ticks = arrived.UtcTicks;
        long seen;
        while ((seen = Interlocked.Read(ref lastArrivalTicks)) < ticks && Interlocked.CompareExchange(ref lastArrivalTicks, ticks, seen) != seen)
        {
        }

        http.Response.StatusCode = StatusCodes.Status200OK;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
