using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Ingestion;
using Memsolus.Dashboard.Outbound;
using Memsolus.Dashboard.Tests.Api;
using Memsolus.Dashboard.Tests.Infrastructure;
using Memsolus.Dashboard.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Memsolus.Dashboard.Tests.Ingestion;

// The app with its real ingestion worker, private networks allowed so it can fetch from a
// loopback server, and small limits so tests can cross them with small bodies. Completed jobs are
// caught from the ingest.completed event, so tests wait for the worker without sleeping.
public class IngestAppFactory : MemsolusAppFactory
{
    public const int MaxFiles = 3;
    public const int MaxFileBytes = 16 * 1024;
    public const int MaxTotalBytes = 32 * 1024;
    public const int MaxUrlBytes = 16 * 1024;

    public IngestAppFactory()
        : this(allowPrivateNetworks: true, smallLimits: true)
    {
    }

    internal IngestAppFactory(bool allowPrivateNetworks, bool smallLimits, bool onPostgres = false)
        : base(databasePath: null, Settings(allowPrivateNetworks, smallLimits, onPostgres))
    {
    }

    public RecordingWebhookEvents Events { get; } = new();

    private static Dictionary<string, string?> Settings(bool allowPrivateNetworks, bool smallLimits, bool onPostgres)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Outbound:AllowPrivateNetworks"] = allowPrivateNetworks ? "true" : "false",
        };
        if (onPostgres)
        {
            settings = WithPostgres(settings);
        }

        if (smallLimits)
        {
            settings["Ingest:MaxFiles"] = $"{MaxFiles}";
            settings["Ingest:MaxFileBytes"] = $"{MaxFileBytes}";
            settings["Ingest:MaxTotalBytes"] = $"{MaxTotalBytes}";
            settings["Ingest:MaxUrlBytes"] = $"{MaxUrlBytes}";
        }

        return settings;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<IWebhookEvents>();
            services.AddSingleton<IWebhookEvents>(Events);
        });
    }
}

// Outbound:AllowPrivateNetworks is false, as in production, and the limits are the defaults.
// One host name, public.test, stands for a public web site: its connections reach a loopback
// listener as if DNS had answered a public address. Every other host goes through the app's own
// connect callback, so a redirect from public.test to a private address meets the real check.
public sealed class PublicOnlyIngestAppFactory : IngestAppFactory
{
    public const string PublicHost = "public.test";

    public PublicOnlyIngestAppFactory()
        : base(allowPrivateNetworks: false, smallLimits: false)
    {
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddHttpClient(OutboundHttp.ClientName)
            .ConfigurePrimaryHttpMessageHandler((handler, _) =>
            {
                var sockets = (SocketsHttpHandler)handler;
                var appCallback = sockets.ConnectCallback!;
                sockets.ConnectCallback = (context, cancellationToken) => context.DnsEndPoint.Host == PublicHost
                    ? ConnectToLoopbackAsync(context.DnsEndPoint.Port, cancellationToken)
                    : appCallback(context, cancellationToken);
            }));
    }

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

// No worker: a test runs jobs itself with IngestRunner.RunOnceAsync, on a clock it moves.
public class ManualIngestAppFactory : IngestAppFactory
{
    public ManualIngestAppFactory()
    {
    }

    protected ManualIngestAppFactory(bool onPostgres)
        : base(allowPrivateNetworks: true, smallLimits: true, onPostgres)
    {
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 10, 9, 30, 0, TimeSpan.Zero));

    internal IngestRunner Processor => Services.GetRequiredService<IngestRunner>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            services.RemoveAll<IHostedService>(typeof(IngestWorker));
        });
    }
}

internal static class HostedServiceRemoval
{
    public static void RemoveAll<T>(this IServiceCollection services, Type implementation)
    {
        foreach (var descriptor in services.Where(d => d.ServiceType == typeof(T) && d.ImplementationType == implementation).ToList())
        {
            services.Remove(descriptor);
        }
    }
}

// Stands in for the webhooks feature: keeps what was published and lets a test await a job's end.
public sealed class RecordingWebhookEvents : IWebhookEvents
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<IngestJobDto>> completed = new();

    public ConcurrentQueue<PublishedEvent> Published { get; } = new();

    public Task PublishAsync(string ownerId, ApiKeyEnvironment environment, string eventType, object data, CancellationToken cancellationToken = default)
    {
        Published.Enqueue(new PublishedEvent(ownerId, environment, eventType, data));
        if (eventType == WebhookEventTypes.IngestCompleted && data is IngestJobDto job)
        {
            Completion(job.Id).TrySetResult(job);
        }

        return Task.CompletedTask;
    }

    // A bound on how long a broken worker can hold a test, not a timing assertion.
    public Task<IngestJobDto> CompletedAsync(Guid jobId) => Completion(jobId).Task.WaitAsync(TimeSpan.FromSeconds(30));

    private TaskCompletionSource<IngestJobDto> Completion(Guid jobId) =>
        completed.GetOrAdd(jobId, _ => new TaskCompletionSource<IngestJobDto>(TaskCreationOptions.RunContinuationsAsynchronously));
}

public sealed record PublishedEvent(string OwnerId, ApiKeyEnvironment Environment, string EventType, object Data);

// A small web server on 127.0.0.1 and a free port that serves what a test maps, and remembers
// which paths were asked for.
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private LoopbackServer(WebApplication app, ConcurrentQueue<string> requests)
    {
        this.app = app;
        Requests = requests;
        BaseAddress = new Uri(app.Urls.Single());
    }

    public Uri BaseAddress { get; }

    public int Port => BaseAddress.Port;

    public ConcurrentQueue<string> Requests { get; }

    public Uri Url(string path) => new(BaseAddress, path);

    public static async Task<LoopbackServer> StartAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var requests = new ConcurrentQueue<string>();
        app.Use((context, next) =>
        {
            requests.Enqueue(context.Request.Path.Value ?? "/");
            return next(context);
        });
        map(app);
        await app.StartAsync();
        return new LoopbackServer(app, requests);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

// Calls to the ingestion API as a client makes them.
internal static class IngestClient
{
    public static async Task<HttpResponseMessage> UploadAsync(this ApiSession session, params (string Name, string Text)[] files) =>
        await session.UploadBytesAsync(files.Select(f => (f.Name, Encoding.UTF8.GetBytes(f.Text))).ToArray());

    public static async Task<HttpResponseMessage> UploadBytesAsync(this ApiSession session, params (string Name, byte[] Bytes)[] files)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new("application/octet-stream");
            form.Add(part, "files", name);
        }

        return await session.Client.PostAsync("/api/v1/ingest/files", form);
    }

    public static Task<HttpResponseMessage> SubmitUrlAsync(this ApiSession session, string url) =>
        session.Client.PostAsJsonAsync("/api/v1/ingest/urls", new { url });

    // The 202 answer: the queued job, whose Location serves it.
    public static async Task<Guid> AcceptedJobIdAsync(HttpResponseMessage response)
    {
        var job = await ApiAssert.JsonAsync(response, HttpStatusCode.Accepted);
        var id = job.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/ingest/jobs/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("queued", job.GetProperty("status").GetString());
        return id;
    }

    // Submits, waits for the worker to finish the job, and answers the job as GET shows it.
    public static async Task<JsonElement> FinishedJobAsync(this ApiSession session, IngestAppFactory app, HttpResponseMessage submitted)
    {
        var id = await AcceptedJobIdAsync(submitted);
        await app.Events.CompletedAsync(id);
        return await session.GetJsonAsync($"/api/v1/ingest/jobs/{id}");
    }

    public static List<(string Item, int? Line, string Message)> Errors(JsonElement job) =>
        job.GetProperty("errors").EnumerateArray()
            .Select(e => (
                e.GetProperty("item").GetString()!,
                e.GetProperty("line").ValueKind == JsonValueKind.Null ? (int?)null : e.GetProperty("line").GetInt32(),
                e.GetProperty("message").GetString()!))
            .ToList();

    public static int Count(JsonElement job, string property) => job.GetProperty(property).GetInt32();
}

public sealed class PostgresIngestAppFactory() : IngestAppFactory(allowPrivateNetworks: true, smallLimits: true, onPostgres: true);

public sealed class PostgresManualIngestAppFactory() : ManualIngestAppFactory(onPostgres: true);
