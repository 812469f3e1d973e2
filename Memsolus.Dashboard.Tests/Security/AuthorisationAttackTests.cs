using System.Net;
using System.Net.Http.Json;
using Memsolus.Dashboard.ApiKeys;
using Microsoft.Extensions.DependencyInjection;
using static Memsolus.Dashboard.Tests.Security.AttackRequests;

namespace Memsolus.Dashboard.Tests.Security;

// The attack list (docs/security.md#the-attack-list): what a caller may do. A valid key without
// the permission is 403 naming it, which tells a caller nothing it did not know; anything less
// than a valid key is 401, before any permission is looked at. Permissions are catalogue names
// matched exactly, a caller cannot give a key more than the catalogue, and the dashboard's cookie
// and other HTTP methods open nothing. On both providers.
public abstract class AuthorisationAttackTests(MemsolusAppFactory app)
{
    private ApiKeyStore Keys => app.Services.GetRequiredService<ApiKeyStore>();

    [Fact]
    public async Task Missing_permission_is_403_naming_it_while_an_invalid_key_is_401()
    {
        var readOnly = await app.NewSessionAsync([Permissions.MemoryRead]);

        using var forbidden = await readOnly.Client.PostAsJsonAsync("/api/v1/memories", new { content = "x" });
        using var invalid = await app.ApiClient(NeverIssued()).PostAsJsonAsync("/api/v1/memories", new { content = "x" });
        using var invalidOnUnknownPath = await app.ApiClient(NeverIssued()).GetAsync("/api/v1/no-such-endpoint");

        await ApiAssert.ForbiddenAsync(forbidden, Permissions.MemoryWrite);
        Assert.False(forbidden.Headers.Contains("WWW-Authenticate"));
        await ApiAssert.UnauthorizedAsync(invalid);
        await ApiAssert.UnauthorizedAsync(invalidOnUnknownPath);
        Assert.Empty(await readOnly.ListAsync("/api/v1/memories"));
    }

    // Wildcards, other case, padding, lists in one string and names outside the catalogue are not
    // permissions: a key asking for them is refused and nothing is stored.
    [Theory]
    [InlineData("*")]
    [InlineData("memory.*")]
    [InlineData("Memory.Write")]
    [InlineData("memory.write ")]
    [InlineData("memory.read,memory.write")]
    [InlineData("memory.write\0")]
    [InlineData("admin")]
    [InlineData("memory.wrıte")]
    public async Task Spoofed_permission_strings_are_refused_and_grant_nothing(string spoofed)
    {
        var owner = await app.NewOwnerAsync();

        var created = await Keys.CreateAsync(owner, new CreateApiKeyRequest("spoofed", ApiKeyEnvironment.Live, [Permissions.MemoryRead, spoofed], ApiKeyExpiration.Never));

        Assert.False(created.Succeeded);
        Assert.Equal(ApiKeyErrorKind.Invalid, created.Error!.Kind);
        Assert.Equal("Permissions", created.Error.Field);
        Assert.Empty(await Keys.ListAsync(owner));
        var readOnly = await app.NewSessionAsync(owner, [Permissions.MemoryRead]);
        using var write = await readOnly.Client.PostAsJsonAsync("/api/v1/memories", new { content = "x" });
        await ApiAssert.ForbiddenAsync(write, Permissions.MemoryWrite);
    }

    // A key cannot widen itself through the API (no endpoint changes keys), an owner cannot add a
    // permission outside the catalogue by editing it, and a rotation hands on exactly what the old
    // key held.
    [Fact]
    public async Task Permissions_a_key_does_not_hold_cannot_be_granted_to_it()
    {
        var session = await app.NewSessionAsync([Permissions.MemoryRead]);
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Patch })
        {
            using var request = new HttpRequestMessage(method, Me) { Content = JsonContent.Create(new { permissions = ApiSession.AllPermissions }) };
            using var response = await session.Client.SendAsync(request);
            Assert.True(response.StatusCode is HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotFound, $"{method}: {response.StatusCode}");
        }

        var edited = await Keys.UpdateAsync(session.Owner, session.Key.Key.Id, new UpdateApiKeyRequest(session.Key.Key.Name, [Permissions.MemoryRead, "admin"]));
        Assert.False(edited.Succeeded);
        Assert.Equal("Permissions", edited.Error!.Field);
        var rotated = await Keys.RotateAsync(session.Owner, session.Key.Key.Id, RotationGrace.Immediately);
        Assert.True(rotated.Succeeded, rotated.Error?.Message);

        Assert.Equal([Permissions.MemoryRead], rotated.Value!.Key.Permissions);
        var me = await new ApiSession(session.Owner, rotated.Value, app.ApiClient(rotated.Value.Secret)).GetJsonAsync(Me);
        Assert.Equal([Permissions.MemoryRead], me.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        using var write = await app.ApiClient(rotated.Value.Secret).PostAsJsonAsync("/api/v1/memories", new { content = "x" });
        await ApiAssert.ForbiddenAsync(write, Permissions.MemoryWrite);
    }

    [Fact]
    public async Task Cookie_alone_never_authorises_an_api_call()
    {
        var owner = await app.NewOwnerAsync();
        var browser = app.CreateClient(new() { AllowAutoRedirect = false });
        using (var signedIn = await IdentityForms.LoginAsync(browser, owner.UserName!, TestAccounts.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        using var me = await browser.GetAsync(Me);
        using var write = await browser.PostAsJsonAsync("/api/v1/memories", new { content = "from a cookie" });

        await ApiAssert.UnauthorizedAsync(me);
        await ApiAssert.UnauthorizedAsync(write);
        Assert.Null(write.Headers.Location);
        Assert.Empty(await (await app.NewSessionAsync(owner)).ListAsync("/api/v1/memories"));
    }

    // HEAD and OPTIONS need a key like GET; a CORS preflight gets no Access-Control-* grant (the
    // API is not for browsers on other sites) and no route is shown to anyone without a key.
    [Theory]
    [InlineData("HEAD", false)]
    [InlineData("OPTIONS", false)]
    [InlineData("CORS preflight", false)]
    [InlineData("HEAD", true)]
    [InlineData("OPTIONS", true)]
    [InlineData("CORS preflight", true)]
    public async Task Head_options_and_cors_preflight_open_nothing(string kind, bool withValidKey)
    {
        var session = await app.NewSessionAsync();
        using var request = new HttpRequestMessage(kind == "HEAD" ? HttpMethod.Head : HttpMethod.Options, "/api/v1/memories");
        if (kind == "CORS preflight")
        {
            request.Headers.Add("Origin", "https://evil.example");
            request.Headers.Add("Access-Control-Request-Method", "POST");
            request.Headers.Add("Access-Control-Request-Headers", "x-api-key, content-type");
        }

        var client = withValidKey ? session.Client : app.ApiClient(key: null);
        using var response = await client.SendAsync(request);

        Assert.True((int)response.StatusCode < 500, $"{kind}: {response.StatusCode}");
        Assert.False(response.IsSuccessStatusCode && kind != "HEAD", $"{kind}: {response.StatusCode}");
        if (!withValidKey)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.False(response.Content.Headers.Contains("Allow"));
        }

        Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(await session.ListAsync("/api/v1/memories"));
    }

    public sealed class OnSqlite(MemsolusAppFactory app) : AuthorisationAttackTests(app), IClassFixture<MemsolusAppFactory>;

    public sealed class OnPostgres(AppFixture<Hosts.Postgres> fixture) : AuthorisationAttackTests(fixture.App), IClassFixture<AppFixture<Hosts.Postgres>>;
}
