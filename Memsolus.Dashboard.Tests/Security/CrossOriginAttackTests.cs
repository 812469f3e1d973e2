using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Security;

// The attack list, "CSRF form POST and cross-origin /_blazor" (docs/security.md, "Origins and
// headers"). The attack: a page served from another origin of the same site (another port, a
// sibling subdomain; SameSite=Lax does not stop those) opens the dashboard's circuit with the
// signed-in visitor's cookie and reads the account's keys in the render batches. Replayed here
// against the app on Kestrel, with a real sign-in cookie, over HTTP and a real WebSocket.
public sealed class CrossOriginAttackTests(AppFixture<CrossOriginAttackTests> fixture)
    : IClassFixture<AppFixture<CrossOriginAttackTests>>, ITestHost
{
    // A second host name this deployment is configured to be reached under.
    private const string ConfiguredOrigin = "https://keys.example.com";

    public static TestHostOptions Options { get; } = new TestHostOptions { Kestrel = true }
        .With(new Dictionary<string, string?> { ["Dashboard:AllowedOrigins:0"] = ConfiguredOrigin });

    private Uri Address => fixture.App.KestrelAddress;

    private string OwnOrigin => Address.GetLeftPart(UriPartial.Authority);

    public static TheoryData<string> ForeignOrigins() =>
    [
        "http://evil.example",
        "http://127.0.0.1:1", // another port of the same host
        "http://localhost", // another name of the same machine
        "https://127.0.0.1", // the same host over another scheme
        "null", // a sandboxed frame, a file: page
    ];

    [Theory]
    [MemberData(nameof(ForeignOrigins))]
    public async Task Negotiate_with_the_victims_cookie_from_a_foreign_origin_is_refused(string origin)
    {
        var (client, _) = await SignedInClientAsync();

        using var response = await NegotiateAsync(client, origin == "http://127.0.0.1:1" ? $"http://127.0.0.1:{Address.Port + 1}" : origin);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("connectionToken", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebSocket_to_the_circuit_from_a_foreign_origin_gets_no_101_and_nothing_is_rendered()
    {
        var (client, cookies) = await SignedInClientAsync();
        // The strongest attacker: a connection token the victim's own page would have had.
        var token = await ConnectionTokenAsync(client, OwnOrigin);

        foreach (var target in new[] { $"/_blazor?id={token}", "/_blazor" })
        {
            using var socket = NewSocket(cookies, "http://evil.example");

            var refused = await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(WebSocketAddress(target), CancellationToken.None));

            Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
            Assert.NotEqual(WebSocketState.Open, socket.State);
            Assert.NotNull(refused);
        }
    }

    [Fact]
    public async Task Same_origin_negotiates_and_its_WebSocket_is_accepted()
    {
        var (client, cookies) = await SignedInClientAsync();
        var token = await ConnectionTokenAsync(client, OwnOrigin);
        using var socket = NewSocket(cookies, OwnOrigin);

        await socket.ConnectAsync(WebSocketAddress($"/_blazor?id={token}"), CancellationToken.None);

        Assert.Equal(HttpStatusCode.SwitchingProtocols, socket.HttpStatusCode);
        Assert.Equal(WebSocketState.Open, socket.State);
        // SignalR's handshake answers: the circuit's hub is talking to this page.
        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"blazorpack\",\"version\":1}\u001e"), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        var buffer = new byte[1024];
        var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
        Assert.Equal("{}\u001e", Encoding.UTF8.GetString(buffer, 0, received.Count));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    [Fact]
    public async Task A_configured_extra_origin_may_open_the_circuit()
    {
        var (client, _) = await SignedInClientAsync();

        using var response = await NegotiateAsync(client, ConfiguredOrigin);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    // Browsers send Origin on every WebSocket and every cross-origin fetch: a request without one
    // is a same-origin GET (long polling) or not a browser, and carries no visitor's cookie.
    [Fact]
    public async Task A_request_without_Origin_is_not_refused()
    {
        var (client, _) = await SignedInClientAsync();

        using var response = await NegotiateAsync(client, origin: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Cross_origin_form_post_without_an_antiforgery_token_is_refused_and_changes_nothing()
    {
        var (client, _, email) = await SignedInClientWithEmailAsync();
        using var post = new HttpRequestMessage(HttpMethod.Post, "/Account/Manage/ChangePassword")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "change-password",
                ["Input.OldPassword"] = TestAccounts.Password,
                ["Input.NewPassword"] = "Attacker-Chosen-Password-1",
                ["Input.ConfirmPassword"] = "Attacker-Chosen-Password-1",
            }),
        };
        post.Headers.Add("Origin", "http://evil.example");

        using var response = await client.SendAsync(post);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync(email);
        Assert.True(await users.CheckPasswordAsync(user!, TestAccounts.Password));
    }

    private async Task<(HttpClient Client, CookieContainer Cookies)> SignedInClientAsync()
    {
        var (client, cookies, _) = await SignedInClientWithEmailAsync();
        return (client, cookies);
    }

    private async Task<(HttpClient Client, CookieContainer Cookies, string Email)> SignedInClientWithEmailAsync()
    {
        var cookies = new CookieContainer();
        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = Address };
        var email = TestAccounts.NewEmail("origin");
        using var signedIn = await IdentityForms.SignUpAsync(fixture.App.Services, client, email, TestAccounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return (client, cookies, email);
    }

    private static async Task<HttpResponseMessage> NegotiateAsync(HttpClient client, string? origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1");
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await client.SendAsync(request);
    }

    private static async Task<string> ConnectionTokenAsync(HttpClient client, string origin)
    {
        using var response = await NegotiateAsync(client, origin);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return answer.RootElement.GetProperty("connectionToken").GetString()!;
    }

    private static ClientWebSocket NewSocket(CookieContainer cookies, string origin)
    {
        var socket = new ClientWebSocket();
        socket.Options.Cookies = cookies;
        socket.Options.SetRequestHeader("Origin", origin);
        socket.Options.CollectHttpResponseDetails = true;
        return socket;
    }

    private Uri WebSocketAddress(string pathAndQuery) => new($"ws://{Address.Authority}{pathAndQuery}");
}
