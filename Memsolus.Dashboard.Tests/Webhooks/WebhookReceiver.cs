using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Webhooks;

// A customer's endpoint: Kestrel on 127.0.0.1 and a free port, keeping every request it gets and
// answering with the given status codes in turn, then with `then` for every later request.
internal sealed class WebhookReceiver : IAsyncDisposable
{
    // A bound on waiting for a request the dispatcher was woken to send, not a timing assertion:
    // generous, since an import's hundreds of deliveries go out first on a loaded 2-core CI machine.
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);

    private readonly WebApplication app;
    private readonly ConcurrentQueue<int> answers;
    private readonly int then;
    private readonly ConcurrentQueue<ReceivedWebhook> requests = new();
    private readonly Channel<ReceivedWebhook> arrivals = Channel.CreateUnbounded<ReceivedWebhook>();

    private WebhookReceiver(WebApplication app, IEnumerable<int> answers, int then)
    {
        this.app = app;
        this.answers = new ConcurrentQueue<int>(answers);
        this.then = then;
    }

    // Where a 3xx answer points: on this same listener, so a followed redirect would be seen here.
    public const string RedirectTarget = "/redirected";

    public Uri BaseUrl { get; private set; } = null!;

    public IReadOnlyCollection<ReceivedWebhook> Requests => requests;

    public IReadOnlyList<ReceivedWebhook> RequestsTo(string path) => requests.Where(r => r.Path == path).ToList();

    public string UrlOf(string path) => new Uri(BaseUrl, path).AbsoluteUri;

    public static async Task<WebhookReceiver> StartAsync(IEnumerable<int>? answers = null, int then = StatusCodes.Status200OK)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, answers ?? [], then);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.BaseUrl = new Uri(address);
        return receiver;
    }

    // The next request that arrives (or arrived and was not yet taken).
    public async Task<ReceivedWebhook> NextAsync() =>
        await arrivals.Reader.ReadAsync().AsTask().WaitAsync(WaitLimit);

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var request = new ReceivedWebhook(
            context.Request.Method,
            context.Request.Path.Value ?? "",
            context.Request.ContentType,
            context.Request.Headers["Memsolus-Signature"].SingleOrDefault(),
            body.ToArray());
        requests.Enqueue(request);
        arrivals.Writer.TryWrite(request);
        context.Response.StatusCode = answers.TryDequeue(out var status) ? status : then;
        if (context.Response.StatusCode is >= 300 and < 400)
        {
            context.Response.Headers.Location = RedirectTarget;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
