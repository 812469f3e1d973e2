using System.Net;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Verification;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Usage;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.ApiKeys.Verification;

// A key's IP allowlist at the key check (docs/security.md, "IP allowlists"), on both providers: a
// request from elsewhere is 403 ip_not_allowed naming the address seen, before the key's permissions
// are looked at, and counted like any 403; one from inside is served. The address is the socket's,
// or the client a listed proxy names (ForwardedHeaders:KnownProxies is 10.0.0.2 here); an
// X-Forwarded-For from anyone else changes nothing. An edit applies from the very next request.
// The test server has no socket: each request's address is set on its connection.
public abstract class IpAllowlistTests(MemsolusAppFactory app)
{
    private const string Me = "/api/v1/me";
    private const string Memories = "/api/v1/memories";

    private static readonly IPAddress Proxy = IPAddress.Parse("10.0.0.2");

    private static readonly TestHostOptions Host = new TestHostOptions { FakeClock = true }
        .With(new Dictionary<string, string?> { ["ForwardedHeaders:KnownProxies:0"] = Proxy.ToString() });

    private readonly Dictionary<Guid, AuditActor> ownerOf = [];

    private ApiKeyStore Keys => app.Services.GetRequiredService<ApiKeyStore>();

    [Fact]
    public async Task A_request_from_outside_the_allowlist_is_403_ip_not_allowed_naming_the_address_and_one_from_inside_is_served()
    {
        var key = await NewKeyAsync("192.0.2.0/24\n2001:db8::/32");

        await AssertRefusedAsync(key, "198.51.100.7", "198.51.100.7");
        await AssertRefusedAsync(key, "2001:db9::1", "2001:db9::1");
        await AssertServedAsync(key, "192.0.2.77");
        await AssertServedAsync(key, "2001:db8:ffff::1");
    }

    [Fact]
    public async Task The_refusal_explains_itself_and_comes_before_the_permission_check()
    {
        var key = await NewKeyAsync("192.0.2.10", [Permissions.KnowledgeRead]);

        using var response = await SendAsync(key, IPAddress.Parse("203.0.113.9"), Memories);

        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal("ip_not_allowed", problem.GetProperty("code").GetString());
        Assert.Equal("203.0.113.9", problem.GetProperty("clientAddress").GetString());
        Assert.Equal(
            "This API key may not be used from 203.0.113.9. If this address is yours, its owner can add it under \"Allowed IP addresses\" in the key's settings (Settings → API Keys → Edit).",
            problem.GetProperty("detail").GetString());
        Assert.False(problem.TryGetProperty("requiredPermission", out _));

        // From inside, the permission check answers as before.
        using var inside = await SendAsync(key, IPAddress.Parse("192.0.2.10"), Memories);
        await ApiAssert.ForbiddenAsync(inside, Permissions.MemoryRead);
    }

    // Kestrel listening on both stacks reports an IPv4 client as ::ffff:a.b.c.d.
    [Fact]
    public async Task An_ipv4_client_seen_as_an_ipv4_mapped_ipv6_address_matches_ipv4_entries_and_is_named_as_ipv4()
    {
        var key = await NewKeyAsync("192.0.2.0/24, 203.0.113.7");

        await AssertServedAsync(key, "::ffff:192.0.2.0");
        await AssertServedAsync(key, "::ffff:192.0.2.255");
        await AssertServedAsync(key, "::ffff:203.0.113.7");
        await AssertRefusedAsync(key, "::ffff:192.0.3.0", "192.0.3.0");
        await AssertRefusedAsync(key, "::ffff:203.0.113.8", "203.0.113.8");
    }

    [Fact]
    public async Task Range_edges_the_first_and_last_address_are_in_and_the_neighbours_out()
    {
        var key = await NewKeyAsync("192.0.2.0/24\n2001:db8:1::/48\n198.51.100.5\n2001:db8:2::5");

        await AssertServedAsync(key, "192.0.2.0");
        await AssertServedAsync(key, "192.0.2.255");
        await AssertRefusedAsync(key, "192.0.1.255", "192.0.1.255");
        await AssertRefusedAsync(key, "192.0.3.0", "192.0.3.0");
        await AssertServedAsync(key, "2001:db8:1::");
        await AssertServedAsync(key, "2001:db8:1:ffff:ffff:ffff:ffff:ffff");
        await AssertRefusedAsync(key, "2001:db8:0:ffff:ffff:ffff:ffff:ffff", "2001:db8:0:ffff:ffff:ffff:ffff:ffff");
        await AssertRefusedAsync(key, "2001:db8:2::", "2001:db8:2::");
        await AssertServedAsync(key, "198.51.100.5");
        await AssertRefusedAsync(key, "198.51.100.4", "198.51.100.4");
        await AssertRefusedAsync(key, "198.51.100.6", "198.51.100.6");
        await AssertServedAsync(key, "2001:db8:2::5");
        await AssertRefusedAsync(key, "2001:db8:2::6", "2001:db8:2::6");
    }

    // An IPv4 address is its IPv4-mapped IPv6 form, so ::/0 is every address and 0.0.0.0/0 every IPv4 one.
    [Fact]
    public async Task Slash_zero_lets_in_every_ipv4_address_or_every_address()
    {
        var v4 = await NewKeyAsync("0.0.0.0/0");
        await AssertServedAsync(v4, "0.0.0.0");
        await AssertServedAsync(v4, "255.255.255.255");
        await AssertServedAsync(v4, "::ffff:203.0.113.1");
        await AssertRefusedAsync(v4, "2001:db8::1", "2001:db8::1");

        var v6 = await NewKeyAsync("::/0");
        await AssertServedAsync(v6, "2001:db8::1");
        await AssertServedAsync(v6, "::1");
        await AssertServedAsync(v6, "203.0.113.1");
    }

    [Fact]
    public async Task A_key_without_an_allowlist_is_served_from_anywhere_and_one_with_an_allowlist_is_refused_when_the_address_is_unknown()
    {
        var open = await NewKeyAsync("");
        await AssertServedAsync(open, "203.0.113.9");
        await AssertServedAsync(open, "2001:db8::9");
        using (var noAddress = await SendAsync(open, null, Me))
        {
            await ApiAssert.JsonAsync(noAddress);
        }

        var restricted = await NewKeyAsync("0.0.0.0/0, ::/0");
        using var unknown = await SendAsync(restricted, null, Me);
        var problem = await ApiAssert.ProblemAsync(unknown, HttpStatusCode.Forbidden);
        Assert.Equal("ip_not_allowed", problem.GetProperty("code").GetString());
        Assert.Equal("unknown", problem.GetProperty("clientAddress").GetString());
    }

    [Fact]
    public async Task Refusals_are_counted_in_usage_as_403_against_the_key()
    {
        var key = await NewKeyAsync("192.0.2.10");
        var recorder = app.Services.GetRequiredService<RequestCountRecorder>();

        await AssertRefusedAsync(key, "203.0.113.9", "203.0.113.9");
        using (var refused = await SendAsync(key, IPAddress.Parse("203.0.113.9"), Memories))
        {
            await ApiAssert.ProblemAsync(refused, HttpStatusCode.Forbidden);
        }

        await AssertServedAsync(key, "192.0.2.10");

        Assert.Equal(
            [("me", "2xx", 1L), ("me", "403", 1L), ("memories", "403", 1L)],
            recorder.Pending().Where(p => p.KeyId == key.Key.Id).Select(p => (p.Group, p.Outcome, p.Count))
                .OrderBy(p => p.Group, StringComparer.Ordinal).ThenBy(p => p.Outcome, StringComparer.Ordinal).ToList());
    }

    // The proxy appends the client it saw; that address, not the proxy's, is the one checked.
    [Fact]
    public async Task Behind_a_listed_proxy_the_client_it_names_is_checked()
    {
        var key = await NewKeyAsync("192.0.2.10");

        using (var inside = await SendAsync(key, Proxy, Me, forwardedFor: "192.0.2.10"))
        {
            await ApiAssert.JsonAsync(inside);
        }

        using (var outside = await SendAsync(key, Proxy, Me, forwardedFor: "198.51.100.1"))
        {
            var problem = await ApiAssert.ProblemAsync(outside, HttpStatusCode.Forbidden);
            Assert.Equal("198.51.100.1", problem.GetProperty("clientAddress").GetString());
        }

        // What the client wrote itself comes before what the proxy appended, and is not believed.
        using (var spoofedThroughProxy = await SendAsync(key, Proxy, Me, forwardedFor: "192.0.2.10, 198.51.100.1"))
        {
            var problem = await ApiAssert.ProblemAsync(spoofedThroughProxy, HttpStatusCode.Forbidden);
            Assert.Equal("198.51.100.1", problem.GetProperty("clientAddress").GetString());
        }

        // The proxy's own address is not on the list, so a request the proxy makes itself is refused.
        using var fromProxy = await SendAsync(key, Proxy, Me);
        Assert.Equal("10.0.0.2", (await ApiAssert.ProblemAsync(fromProxy, HttpStatusCode.Forbidden)).GetProperty("clientAddress").GetString());
    }

    [Fact]
    public async Task A_spoofed_X_Forwarded_For_from_an_address_that_is_not_a_listed_proxy_cannot_get_in()
    {
        var key = await NewKeyAsync("192.0.2.10");

        using var spoofed = await SendAsync(key, IPAddress.Parse("10.0.0.3"), Me, forwardedFor: "192.0.2.10");

        var problem = await ApiAssert.ProblemAsync(spoofed, HttpStatusCode.Forbidden);
        Assert.Equal("ip_not_allowed", problem.GetProperty("code").GetString());
        Assert.Equal("10.0.0.3", problem.GetProperty("clientAddress").GetString());
    }

    // The key is cached after its first request; saving the key drops it from the cache, so the
    // next request reads the new list.
    [Fact]
    public async Task Editing_the_allowlist_applies_from_the_very_next_request()
    {
        var key = await NewKeyAsync("192.0.2.0/24");
        await AssertServedAsync(key, "192.0.2.5");
        await AssertServedAsync(key, "192.0.2.5");

        await UpdateAsync(key, "198.51.100.0/24");
        await AssertRefusedAsync(key, "192.0.2.5", "192.0.2.5");
        await AssertServedAsync(key, "198.51.100.9");

        await UpdateAsync(key, "");
        await AssertServedAsync(key, "192.0.2.5");
        await AssertServedAsync(key, "203.0.113.1");

        await UpdateAsync(key, "2001:db8::/32");
        await AssertRefusedAsync(key, "203.0.113.1", "203.0.113.1");
    }

    private async Task<CreatedApiKey> NewKeyAsync(string allowedNetworks, IReadOnlyCollection<string>? permissions = null)
    {
        var owner = await app.NewOwnerAsync();
        var created = await Keys.CreateAsync(owner, new CreateApiKeyRequest(
            $"key-{Guid.NewGuid():N}", ApiKeyEnvironment.Live, permissions ?? [Permissions.MemoryRead], ApiKeyExpiration.Never, AllowedNetworks: allowedNetworks));
        Assert.True(created.Succeeded, created.Error?.Message);
        ownerOf[created.Value!.Key.Id] = owner;
        return created.Value;
    }

    private async Task UpdateAsync(CreatedApiKey key, string allowedNetworks)
    {
        var updated = await Keys.UpdateAsync(ownerOf[key.Key.Id], key.Key.Id, new UpdateApiKeyRequest(key.Key.Name, key.Key.Permissions, allowedNetworks));
        Assert.True(updated.Succeeded, updated.Error?.Message);
    }

    private async Task AssertServedAsync(CreatedApiKey key, string from)
    {
        using var response = await SendAsync(key, IPAddress.Parse(from), Me);
        await ApiAssert.JsonAsync(response);
    }

    private async Task AssertRefusedAsync(CreatedApiKey key, string from, string named)
    {
        using var response = await SendAsync(key, IPAddress.Parse(from), Me);
        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal("ip_not_allowed", problem.GetProperty("code").GetString());
        Assert.Equal(named, problem.GetProperty("clientAddress").GetString());
    }

    private async Task<HttpResponseMessage> SendAsync(CreatedApiKey key, IPAddress? from, string path, string? forwardedFor = null)
    {
        using var client = new HttpClient(app.Server.CreateHandler(context => context.Connection.RemoteIpAddress = from))
        {
            BaseAddress = app.Server.BaseAddress,
        };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(ApiKeyHeader.Name, key.Secret);
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return await client.SendAsync(request);
    }

    public sealed class OnSqlite(AppFixture<OnSqlite> fixture) : IpAllowlistTests(fixture.App), IClassFixture<AppFixture<OnSqlite>>, ITestHost
    {
        public static TestHostOptions Options => Host;
    }

    public sealed class OnPostgres(AppFixture<OnPostgres> fixture) : IpAllowlistTests(fixture.App), IClassFixture<AppFixture<OnPostgres>>, ITestHost
    {
        public static TestHostOptions Options => Host.OnPostgres();
    }
}
