using System.Net;
using System.Net.Http.Headers;
using static Memsolus.Dashboard.Tests.Security.AttackRequests;

namespace Memsolus.Dashboard.Tests.Security;

// The attack list (docs/security.md#the-attack-list): how the key is carried. Exactly one
// X-Api-Key header holding exactly one key is accepted; every other way of presenting a key, even
// a valid one, is the same 401. No database decides these, so they run on SQLite alone; the sizes
// Kestrel enforces are in KeyHeaderOverKestrelAttackTests.
public sealed class KeyHeaderAttackTests(MemsolusAppFactory app) : IClassFixture<MemsolusAppFactory>
{
    [Fact]
    public async Task No_header_is_401()
    {
        using var response = await WithRawKeyHeaderAsync(app, Me);

        await ApiAssert.UnauthorizedAsync(response);
    }

    [Fact]
    public async Task Empty_header_is_401()
    {
        using var response = await WithRawKeyHeaderAsync(app, Me, "");

        await ApiAssert.UnauthorizedAsync(response);
    }

    // What reaches the app is compared exactly: nothing is trimmed or unquoted. (Over HTTP/1.1 the
    // spaces and tabs around a field value are not part of it, and Kestrel drops them first.)
    [Theory]
    [InlineData(" {0}")]
    [InlineData("{0} ")]
    [InlineData("\t{0}")]
    [InlineData("{0}\u00a0")]
    [InlineData("\"{0}\"")]
    [InlineData("{0}=")]
    [InlineData("ApiKey {0}")]
    public async Task Padded_key_is_401(string padding)
    {
        var session = await app.NewSessionAsync();

        using var response = await WithRawKeyHeaderAsync(app, Me, string.Format(padding, session.Key.Secret));

        await ApiAssert.UnauthorizedAsync(response);
        await AssertWorksAsync(session.Client);
    }

    [Fact]
    public async Task Two_headers_each_with_a_valid_key_are_401()
    {
        var first = await app.NewSessionAsync();
        var second = await app.NewSessionAsync(first.Owner);

        using var response = await WithRawKeyHeaderAsync(app, Me, first.Key.Secret, second.Key.Secret);
        using var sameKeyTwice = await WithRawKeyHeaderAsync(app, Me, first.Key.Secret, first.Key.Secret);

        await ApiAssert.UnauthorizedAsync(response);
        await ApiAssert.UnauthorizedAsync(sameKeyTwice);
    }

    [Theory]
    [InlineData("{0},{1}")]
    [InlineData("{0}, {1}")]
    [InlineData("{0},{0}")]
    [InlineData("{0},")]
    [InlineData(",{0}")]
    public async Task Comma_joined_keys_in_one_header_are_401(string joined)
    {
        var first = await app.NewSessionAsync();
        var second = await app.NewSessionAsync(first.Owner);

        using var response = await WithRawKeyHeaderAsync(app, Me, string.Format(joined, first.Key.Secret, second.Key.Secret));

        await ApiAssert.UnauthorizedAsync(response);
    }

    // A key in a URL ends up in proxies' and servers' access logs; this app neither accepts it nor
    // writes the URL's query string to its own log (Components/ComponentsExtensions).
    [Theory]
    [InlineData("api_key")]
    [InlineData("apiKey")]
    [InlineData("X-Api-Key")]
    [InlineData("key")]
    public async Task Key_in_the_query_string_is_401_and_not_logged(string parameter)
    {
        var session = await app.NewSessionAsync();

        using var response = await app.ApiClient(key: null).GetAsync($"{Me}?{parameter}={Uri.EscapeDataString(session.Key.Secret)}");

        await ApiAssert.UnauthorizedAsync(response);
        Assert.Empty(app.LogLinesHolding(session.Key.Secret));
        await AssertWorksAsync(session.Client);
    }

    [Theory]
    [InlineData("Bearer")]
    [InlineData("ApiKey")]
    [InlineData("Basic")]
    public async Task Authorization_header_alone_is_401(string scheme)
    {
        var session = await app.NewSessionAsync();
        var client = app.ApiClient(key: null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, session.Key.Secret);

        using var response = await client.GetAsync(Me);

        await ApiAssert.UnauthorizedAsync(response);
    }

    // Header names are case-insensitive in HTTP: any spelling of X-Api-Key is the header. The key
    // itself is case-sensitive (base62): its upper- or lower-cased form is another, invalid key.
    [Theory]
    [InlineData("x-api-key")]
    [InlineData("X-API-KEY")]
    [InlineData("x-Api-kEY")]
    public async Task Header_name_in_any_case_is_the_header(string name)
    {
        var session = await app.NewSessionAsync();
        var client = app.ApiClient(key: null);
        client.DefaultRequestHeaders.Add(name, session.Key.Secret);

        await AssertWorksAsync(client);
    }

    [Fact]
    public async Task Key_in_another_case_is_401()
    {
        var session = await app.NewSessionAsync();

        using var upper = await app.ApiClient(session.Key.Secret.ToUpperInvariant()).GetAsync(Me);
        using var lower = await app.ApiClient(session.Key.Secret.ToLowerInvariant()).GetAsync(Me);

        await ApiAssert.UnauthorizedAsync(upper);
        await ApiAssert.UnauthorizedAsync(lower);
    }

    // Whatever bytes a value holds once the server has parsed it, the answer is a 401, never a 500.
    [Theory]
    [InlineData("\0")]
    [InlineData("{0}\0")]
    [InlineData("\u0001\u0002\u001f\u007f")]
    [InlineData("{0}\r\nX-Injected: yes")]
    [InlineData("\r\n\r\n")]
    [InlineData("msk_live_é{0}")]
    [InlineData("{0}мsk")]
    [InlineData("🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑")]
    public async Task Control_characters_non_ascii_and_line_breaks_in_the_key_are_401_never_500(string value)
    {
        var session = await app.NewSessionAsync();

        using var response = await WithRawKeyHeaderAsync(app, Me, string.Format(value, session.Key.Secret));

        await ApiAssert.UnauthorizedAsync(response);
        Assert.False(response.Headers.Contains("X-Injected"));
    }

    private static async Task AssertWorksAsync(HttpClient client)
    {
        using var response = await client.GetAsync(Me);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
