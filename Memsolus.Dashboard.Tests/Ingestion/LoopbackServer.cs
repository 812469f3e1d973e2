using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Memsolus.Dashboard.Tests.Ingestion;

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
