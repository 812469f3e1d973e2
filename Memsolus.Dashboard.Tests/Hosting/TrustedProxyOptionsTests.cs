using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Tests.Hosting;

// ForwardedHeaders:KnownProxies and KnownNetworks are checked at start-up: anything that is not
// exactly an address, or a network with no host bits set, stops the app with a message naming
// the setting; a list, or one comma-separated value, of IPv4 and IPv6 entries is taken as written.
public sealed class TrustedProxyOptionsTests
{
    [Theory]
    [InlineData("ForwardedHeaders:KnownProxies:0", "10.0.0", "ForwardedHeaders:KnownProxies", "not an IP address")]
    [InlineData("ForwardedHeaders:KnownProxies:0", "proxy.internal", "ForwardedHeaders:KnownProxies", "not an IP address")]
    [InlineData("ForwardedHeaders:KnownProxies", "10.0.0.2,10.0.0.300", "ForwardedHeaders:KnownProxies", "'10.0.0.300'")]
    [InlineData("ForwardedHeaders:KnownProxies:0", "10.0.0.0/8", "ForwardedHeaders:KnownProxies", "not an IP address")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.0", "ForwardedHeaders:KnownNetworks", "CIDR")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.0/33", "ForwardedHeaders:KnownNetworks", "prefix length")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.0/x", "ForwardedHeaders:KnownNetworks", "prefix length")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0/8", "ForwardedHeaders:KnownNetworks", "IP address")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.1/8", "ForwardedHeaders:KnownNetworks", "host bits")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "fd00::1/64", "ForwardedHeaders:KnownNetworks", "host bits")]
    [InlineData("ForwardedHeaders:KnownProxies:0", "", "ForwardedHeaders:KnownProxies", "empty")]
    [InlineData("ForwardedHeaders:KnownProxies", "10.0.0.2,,10.0.0.3", "ForwardedHeaders:KnownProxies", "empty")]
    [InlineData("ForwardedHeaders:KnownNetworks", " ", "ForwardedHeaders:KnownNetworks", "empty")]
    public async Task Start_up_fails_naming_the_setting(string key, string value, string setting, string why)
    {
        var failure = await StartupFailure.OfAsync(() => new MemsolusAppFactory(new TestHostOptions().With(new Dictionary<string, string?> { [key] = value })));

        Assert.IsType<OptionsValidationException>(failure);
        Assert.Contains(setting, failure.Message, StringComparison.Ordinal);
        Assert.Contains(why, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ipv4_and_ipv6_lists_are_accepted_and_only_they_are_trusted()
    {
        await using var app = new MemsolusAppFactory(new TestHostOptions().With(new Dictionary<string, string?>
        {
            ["ForwardedHeaders:KnownProxies"] = "10.0.0.2, fd00::2",
            ["ForwardedHeaders:KnownNetworks:0"] = "192.168.0.0/16",
            ["ForwardedHeaders:KnownNetworks:1"] = "fd00:1::/32",
        }));

        var forwarded = app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;

        Assert.Equal([IPAddress.Parse("10.0.0.2"), IPAddress.Parse("fd00::2")], forwarded.KnownProxies.OrderBy(a => a.AddressFamily));
        Assert.Equal(["192.168.0.0/16", "fd00:1::/32"], forwarded.KnownIPNetworks.Select(n => n.ToString()).Order(StringComparer.Ordinal));
        Assert.Null(forwarded.ForwardLimit);
    }

    // ASP.NET's own default trusts loopback; with nothing listed nobody is trusted.
    [Fact]
    public async Task With_nothing_listed_no_proxy_is_trusted_not_even_loopback()
    {
        await using var app = new MemsolusAppFactory(new TestHostOptions());

        var forwarded = app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;

        Assert.Empty(forwarded.KnownProxies);
        Assert.Empty(forwarded.KnownIPNetworks);
    }
}
