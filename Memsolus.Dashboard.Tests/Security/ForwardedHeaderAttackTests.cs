using System.Net;
using System.Net.Sockets;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Verification;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Security;

// The attack list (docs/security.md), forwarded headers: a client that writes X-Forwarded-For
// itself to dodge the failed-attempt limit, and a brute force that must block its own client and
// nobody else, behind a proxy and direct. Real sockets (Kestrel on 127.0.0.1): each client
// connects from an address of its own in 127.0.0.0/8, the range ASP.NET would trust by default.
public sealed class ForwardedHeaderAttackTests(ForwardedHeaderAttackTests.Apps apps) : IClassFixture<ForwardedHeaderAttackTests.Apps>
{
    // ApiKeys:Verification:FailedAttemptLimit's default: the attack as the product meets it.
    private const int Limit = 100;

    // The proxy of the app behind one; the other app lists no proxy at all.
    private static readonly IPAddress Proxy = IPAddress.Loopback;

    [Fact]
    public async Task Spoofed_X_Forwarded_For_is_ignored_when_no_proxy_is_configured_even_from_loopback()
    {
        var attacker = IPAddress.Parse("127.0.0.21");
        using var client = ClientFrom(apps.Direct, attacker);

        // A new made-up address on every attempt: believed, each would be a fresh client.
        for (var i = 0; i < Limit; i++)
        {
            using var rejected = await SendAsync(client, "not-a-key", forwardedFor: $"203.0.113.{i % 250}");
            Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        }

        using var limited = await SendAsync(client, "not-a-key", forwardedFor: "203.0.113.251");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);

        var limiter = apps.Direct.Services.GetRequiredService<FailedAttemptLimiter>();
        Assert.True(limiter.IsBlocked(attacker, out _));
        Assert.False(limiter.IsBlocked(IPAddress.Parse("203.0.113.1"), out _));
        Assert.Contains(apps.Direct.Logs.Lines(), line => line.Contains($"from {attacker}", StringComparison.Ordinal));
        Assert.DoesNotContain(apps.Direct.Logs.Lines(), line => line.Contains("from 203.0.113.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Spoofed_X_Forwarded_For_from_a_client_that_is_not_a_listed_proxy_is_ignored()
    {
        var attacker = IPAddress.Parse("127.0.0.22");
        using var client = ClientFrom(apps.BehindProxy, attacker);

        for (var i = 0; i < Limit; i++)
        {
            using var rejected = await SendAsync(client, "not-a-key", forwardedFor: $"198.51.100.{i % 250}");
            Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        }

        using var limited = await SendAsync(client, "not-a-key", forwardedFor: "198.51.100.251");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(apps.BehindProxy.Services.GetRequiredService<FailedAttemptLimiter>().IsBlocked(attacker, out _));
    }

    // Behind the proxy every request comes from the proxy's address; the client is the address
    // the proxy appends. What the attacker writes into X-Forwarded-For itself comes before that
    // and changes nothing.
    [Fact]
    public async Task Brute_force_behind_a_proxy_gets_429_and_another_client_behind_the_same_proxy_is_unaffected()
    {
        var valid = await apps.BehindProxy.NewSessionAsync([Permissions.MemoryRead]);
        using var proxy = ClientFrom(apps.BehindProxy, Proxy);
        const string ClientA = "192.0.2.10";
        const string ClientB = "192.0.2.11";

        for (var i = 0; i < Limit; i++)
        {
            var spoofed = i % 2 == 0 ? ClientA : $"203.0.113.{i}, {ClientA}";
            using var rejected = await SendAsync(proxy, ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret, spoofed);
            Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        }

        using (var limited = await SendAsync(proxy, "not-a-key", ClientA))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        }

        using (var neighbourJunk = await SendAsync(proxy, "not-a-key", ClientB))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, neighbourJunk.StatusCode);
        }

        using (var neighbour = await SendAsync(proxy, valid.Key.Secret, ClientB))
        {
            Assert.Equal(HttpStatusCode.OK, neighbour.StatusCode);
        }

        // The block stops failed attempts only: A's own valid key still works.
        using (var ownKey = await SendAsync(proxy, valid.Key.Secret, ClientA))
        {
            Assert.Equal(HttpStatusCode.OK, ownKey.StatusCode);
        }

        var limiter = apps.BehindProxy.Services.GetRequiredService<FailedAttemptLimiter>();
        Assert.True(limiter.IsBlocked(IPAddress.Parse(ClientA), out _));
        Assert.False(limiter.IsBlocked(Proxy, out _));
    }

    [Fact]
    public async Task Brute_force_direct_gets_429_and_another_client_is_unaffected()
    {
        var valid = await apps.Direct.NewSessionAsync([Permissions.MemoryRead]);
        using var attacker = ClientFrom(apps.Direct, IPAddress.Parse("127.0.0.23"));
        using var neighbour = ClientFrom(apps.Direct, IPAddress.Parse("127.0.0.24"));

        for (var i = 0; i < Limit; i++)
        {
            using var rejected = await SendAsync(attacker, ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret);
            Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        }

        using (var limited = await SendAsync(attacker, ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        }

        using (var neighbourJunk = await SendAsync(neighbour, "not-a-key"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, neighbourJunk.StatusCode);
        }

        using (var neighbourKey = await SendAsync(neighbour, valid.Key.Secret))
        {
            Assert.Equal(HttpStatusCode.OK, neighbourKey.StatusCode);
        }

        using var ownKey = await SendAsync(attacker, valid.Key.Secret);
        Assert.Equal(HttpStatusCode.OK, ownKey.StatusCode);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string key, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        request.Headers.Add(ApiKeyHeader.Name, key);
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return await client.SendAsync(request);
    }

    // A client whose connections leave from the given local address (any of 127.0.0.0/8 reaches
    // the app's 127.0.0.1), so the app sees it as that client's socket address.
    private static HttpClient ClientFrom(MemsolusAppFactory app, IPAddress local) =>
        new(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        })
        {
            BaseAddress = app.KestrelAddress,
        };

    // Two apps on Kestrel: one that lists no proxy, one behind a proxy at 127.0.0.1.
    public sealed class Apps : IAsyncLifetime
    {
        public MemsolusAppFactory Direct { get; } = new(new() { Kestrel = true });

        public MemsolusAppFactory BehindProxy { get; } = new(new TestHostOptions { Kestrel = true }
            .With(new Dictionary<string, string?> { ["ForwardedHeaders:KnownProxies:0"] = Proxy.ToString() }));

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync()
        {
            await Direct.DisposeAsync();
            await BehindProxy.DisposeAsync();
        }
    }
}
