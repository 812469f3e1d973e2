using System.Net;
using System.Net.Sockets;
using System.Text;
using static Memsolus.Dashboard.Tests.Security.AttackRequests;

namespace Memsolus.Dashboard.Tests.Security;

// The attack list (docs/security.md#the-attack-list): header sizes and raw bytes, over real HTTP to
// Kestrel, whose parser and limits (32 KB of request headers) stand in front of the app. A long key
// is a 401 like any wrong key; headers over the limit are 431; bytes HTTP does not allow in a
// header are 400 from the parser; none of them is a 500, none reaches a key.
public sealed class KeyHeaderOverKestrelAttackTests(AppFixture<KeyHeaderOverKestrelAttackTests> fixture)
    : IClassFixture<AppFixture<KeyHeaderOverKestrelAttackTests>>, ITestHost
{
    private readonly MemsolusAppFactory app = fixture.App;

    public static TestHostOptions Options { get; } = new() { Kestrel = true };

    [Fact]
    public async Task Ten_kilobyte_key_is_401()
    {
        var session = await app.NewSessionAsync();
        using var client = KestrelClient(session.Key.Secret + new string('A', 10 * 1024));

        using var response = await client.GetAsync(Me);

        await ApiAssert.UnauthorizedAsync(response);
    }

    [Fact]
    public async Task Thirty_three_kilobyte_header_is_431()
    {
        using var client = KestrelClient(new string('A', 33 * 1024));

        using var response = await client.GetAsync(Me);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("X-Api-Key: \u0001\u0002msk_live_\r\n")]
    [InlineData("X-Api-Key: msk_live_\u0000abc\r\n")]
    [InlineData("X-Api-Key: msk_live_\u00e9\u00e9\r\n")]
    [InlineData("X-Api-Key: msk_live_abc\nX-Injected: yes\r\n")]
    [InlineData("X-Api-Key: msk_live_abc\rX-Injected: yes\r\n")]
    [InlineData("X-Api-Key: msk_live_abc\r\n X-Injected: folded\r\n")]
    [InlineData("X-Api-Key : msk_live_abc\r\n")]
    public async Task Control_characters_non_ascii_and_line_breaks_over_the_wire_are_never_500(string headerLines)
    {
        var status = await RawStatusAsync($"GET {Me} HTTP/1.1\r\nHost: localhost\r\n{headerLines}Connection: close\r\n\r\n");

        Assert.True(status is 400 or 401, $"Got {status}.");
    }

    private HttpClient KestrelClient(string key)
    {
        var client = new HttpClient { BaseAddress = app.KestrelAddress };
        client.DefaultRequestHeaders.TryAddWithoutValidation("X-Api-Key", key);
        return client;
    }

    // The request's bytes exactly as written (Latin-1, one byte per character), and the status
    // code of the answer's first line.
    private async Task<int> RawStatusAsync(string request)
    {
        var address = app.KestrelAddress;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        await using var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.Latin1);
        var statusLine = await reader.ReadLineAsync() ?? "";
        Assert.StartsWith("HTTP/1.1 ", statusLine, StringComparison.Ordinal);
        return int.Parse(statusLine.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
    }
}
