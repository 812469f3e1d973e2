using System.Net;
using Memsolus.Dashboard.Outbound;

namespace Memsolus.Dashboard.Tests.Outbound;

public sealed class OutboundAddressPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.254")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.254")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("192.0.0.192")]
    [InlineData("198.18.0.1")]
    [InlineData("198.19.255.254")]
    [InlineData("fe80::1")]
    [InlineData("febf::1")]
    [InlineData("fc00::1")]
    [InlineData("fd00:ec2::254")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::ffff:198.18.0.1")]
    public void Loopback_private_link_local_and_metadata_addresses_are_refused(string address) =>
        Assert.False(OutboundAddressPolicy.IsPublic(IPAddress.Parse(address)));

    // IPv6 forms that a gateway turns into an IPv4 connection: refused whole, whatever IPv4
    // address they carry, internal (the attack) or public.
    [Theory]
    [InlineData("::127.0.0.1")]                 // IPv4-compatible ::/96
    [InlineData("::169.254.169.254")]
    [InlineData("::8.8.8.8")]
    [InlineData("64:ff9b::7f00:1")]             // NAT64 64:ff9b::/96 of 127.0.0.1
    [InlineData("64:ff9b::169.254.169.254")]
    [InlineData("64:ff9b::8.8.8.8")]
    [InlineData("64:ff9b:1::a00:1")]            // local-use NAT64 64:ff9b:1::/48
    [InlineData("64:ff9b:1:ffff::1")]
    [InlineData("2002:7f00:1::1")]              // 6to4 of 127.0.0.1
    [InlineData("2002:a9fe:a9fe::1")]           // 6to4 of 169.254.169.254
    [InlineData("2002:808:808::1")]
    [InlineData("2001:0:4136:e378:8000:63bf:80ff:fffe")] // Teredo of 127.0.0.1 (inverted)
    [InlineData("2001::1")]
    [InlineData("2001:0:ffff:ffff:ffff:ffff:ffff:ffff")]
    public void IPv6_forms_that_carry_an_IPv4_address_are_refused(string address) =>
        Assert.False(OutboundAddressPolicy.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("172.32.0.1")]
    [InlineData("172.15.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("198.17.255.255")]
    [InlineData("198.20.0.1")]
    [InlineData("8.8.8.8")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("2001:1::1")]
    [InlineData("2003::1")]
    [InlineData("64:ff9b:2::1")]
    [InlineData("64:ff9b::1:0:0:1")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.True(OutboundAddressPolicy.IsPublic(IPAddress.Parse(address)));

    // Every spelling of an internal address a URL parser or resolver accepts.
    [Theory]
    [InlineData("http://127.0.0.1/hook")]
    [InlineData("http://127.0.0.1./hook")]
    [InlineData("http://127.1/hook")]
    [InlineData("http://2130706433/hook")]
    [InlineData("http://0x7f000001/hook")]
    [InlineData("http://0x7f.1/hook")]
    [InlineData("http://0177.0.0.1/hook")]
    [InlineData("http://0/hook")]
    [InlineData("http://0.0.0.0/hook")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://[::]/hook")]
    [InlineData("https://[0:0:0:0:0:0:0:1]:8443/hook")]
    [InlineData("http://[::ffff:127.0.0.1]/hook")]
    [InlineData("http://[::ffff:7f00:1]/hook")]
    [InlineData("http://[::127.0.0.1]/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[::ffff:169.254.169.254]/latest/meta-data/")]
    [InlineData("http://[fd00:ec2::254]/latest/meta-data/")]
    [InlineData("http://10.0.0.1/hook")]
    [InlineData("http://10.255.255.255/hook")]
    [InlineData("http://172.16.0.1/hook")]
    [InlineData("http://172.31.255.255/hook")]
    [InlineData("http://192.168.0.1/hook")]
    [InlineData("http://100.64.0.1/hook")]
    [InlineData("http://198.18.0.1/hook")]
    [InlineData("http://[fc00::1]/hook")]
    [InlineData("http://[fdff::1]/hook")]
    [InlineData("http://[fe80::1]/hook")]
    [InlineData("http://[64:ff9b::7f00:1]/hook")]
    [InlineData("http://[2002:7f00:1::1]/hook")]
    [InlineData("http://[2001::1]/hook")]
    public void A_url_whose_host_is_an_internal_address_in_any_spelling_is_refused(string url) =>
        Assert.True(OutboundAddressPolicy.IsRefusedLiteralHost(new Uri(url)));

    [Theory]
    [InlineData("https://hooks.example.com/hook")]
    [InlineData("https://localhost/hook")]
    [InlineData("http://93.184.216.34/hook")]
    [InlineData("http://[2606:4700:4700::1111]/hook")]
    [InlineData("http://127.0.0.1.example.com/hook")]
    public void A_host_name_or_public_address_is_left_to_the_connection_check(string url) =>
        Assert.False(OutboundAddressPolicy.IsRefusedLiteralHost(new Uri(url)));
}
