using System.Net;
using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Tests.ApiKeys;

// What the "Allowed IP addresses" field accepts and stores (KeyNetworks.Validate), and what the key
// check lets in (KeyNetworks.Contains over the stored list): edges of ranges, both families, and
// IPv4 clients that a dual-stack listener reports as IPv4-mapped IPv6 addresses (the same address).
public sealed class KeyNetworksTests
{
    [Theory]
    [InlineData("", new string[0])]
    [InlineData("  \n \r\n , ", new string[0])]
    [InlineData("203.0.113.7", new[] { "203.0.113.7/32" })]
    [InlineData("192.0.2.0/24, 2001:DB8::/32", new[] { "192.0.2.0/24", "2001:db8::/32" })]
    [InlineData("198.51.100.1\r\n198.51.100.2\n\n 2001:db8:0:0::1 ", new[] { "198.51.100.1/32", "198.51.100.2/32", "2001:db8::1/128" })]
    [InlineData("10.0.0.0/8,10.0.0.0/08\n10.0.0.0/8", new[] { "10.0.0.0/8" })]
    [InlineData("::ffff:192.0.2.0/120", new[] { "192.0.2.0/24" })]
    [InlineData("::ffff:192.0.2.9", new[] { "192.0.2.9/32" })]
    [InlineData("0.0.0.0/0,::/0", new[] { "0.0.0.0/0", "::/0" })]
    public void Accepted_text_is_stored_canonical_with_duplicates_folded(string text, string[] stored)
    {
        Assert.Null(KeyNetworks.Validate(text, out var networks));
        Assert.Equal(stored, networks);
    }

    [Theory]
    [InlineData("not an address", "Line 1: \"not an address\" is not an IP address or CIDR range")]
    [InlineData("192.0.2.1\n192.0.2.300", "Line 2: \"192.0.2.300\"")]
    [InlineData("192.0.2.1, fe80::1%eth0", "Line 1: \"fe80::1%eth0\" has a zone id")]
    [InlineData("fe80::1%25", "has a zone id")]
    [InlineData("10.0.0.5/8", "has bits set after the /8 prefix: enter the range as 10.0.0.0/8")]
    [InlineData("2001:db8::1/32", "enter the range as 2001:db8::/32")]
    [InlineData("192.0.2.0/33", "has a bad prefix length: use /0 to /32")]
    [InlineData("2001:db8::/129", "use /0 to /128")]
    [InlineData("192.0.2.0/-1", "is not an IP address or CIDR range")]
    [InlineData("192.0.2.0/", "has a bad prefix length")]
    [InlineData("192.0.2.0/24/8", "has a bad prefix length")]
    [InlineData("010.0.0.1", "without leading zeros")]
    [InlineData("10", "four numbers")]
    [InlineData("10.1", "four numbers")]
    [InlineData("0x0a.0.0.1", "is not an IP address or CIDR range")]
    [InlineData("[2001:db8::1]", "is not an IP address or CIDR range")]
    [InlineData("192.0.2.1;192.0.2.2", "is not an IP address or CIDR range")]
    [InlineData("192.0.2.1 192.0.2.2", "is not an IP address or CIDR range")]
    [InlineData("localhost", "is not an IP address or CIDR range")]
    [InlineData("192.0.2.1\0", "Line 1: this entry is not an IP address")]
    [InlineData("192.0.2.1\u0007", "Line 1: this entry is not")]
    [InlineData("１９２.0.2.1", "Line 1: this entry is not")]
    public void Refused_text_gets_a_message_naming_the_line_and_nothing_to_store(string text, string message)
    {
        Assert.Contains(message, KeyNetworks.Validate(text, out var networks), StringComparison.Ordinal);
        Assert.Empty(networks);
    }

    [Fact]
    public void Fifty_entries_are_accepted_and_the_fifty_first_is_refused()
    {
        var fifty = string.Join('\n', Enumerable.Range(1, 50).Select(i => $"192.0.2.{i}"));
        Assert.Null(KeyNetworks.Validate(fifty, out var networks));
        Assert.Equal(50, networks.Count);

        Assert.Contains("at most 50 addresses or ranges", KeyNetworks.Validate(fifty + ",198.51.100.1", out networks), StringComparison.Ordinal);
        Assert.Empty(networks);

        // Repeats are not entries of their own.
        Assert.Null(KeyNetworks.Validate(fifty + "\n" + fifty, out networks));
        Assert.Equal(50, networks.Count);
    }

    [Fact]
    public void Huge_text_is_refused_before_it_is_read()
    {
        Assert.Contains("at most 4000 characters", KeyNetworks.Validate(new string('1', 1_000_000), out var networks), StringComparison.Ordinal);
        Assert.Empty(networks);

        // One enormous entry under the text limit names its line without echoing it.
        var message = KeyNetworks.Validate("192.0.2.1\n" + new string('a', 3000), out _);
        Assert.Equal("Line 2: this entry is not an IP address or CIDR range (such as 203.0.113.7, 2001:db8::1 or 192.0.2.0/24).", message);
    }

    [Theory]
    // First and last address of a range, and the ones just outside.
    [InlineData("192.0.2.0/24", "192.0.2.0", true)]
    [InlineData("192.0.2.0/24", "192.0.2.255", true)]
    [InlineData("192.0.2.0/24", "192.0.1.255", false)]
    [InlineData("192.0.2.0/24", "192.0.3.0", false)]
    [InlineData("203.0.113.7", "203.0.113.7", true)]
    [InlineData("203.0.113.7", "203.0.113.6", false)]
    [InlineData("203.0.113.7", "203.0.113.8", false)]
    [InlineData("0.0.0.0/0", "255.255.255.255", true)]
    [InlineData("0.0.0.0/0", "0.0.0.0", true)]
    [InlineData("2001:db8::/32", "2001:db8::", true)]
    [InlineData("2001:db8::/32", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", true)]
    [InlineData("2001:db8::/32", "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", false)]
    [InlineData("2001:db8::/32", "2001:db9::", false)]
    [InlineData("2001:db8::1", "2001:db8::1", true)]
    [InlineData("2001:db8::1", "2001:db8::2", false)]
    [InlineData("2001:db8::1", "2001:db8::", false)]
    [InlineData("::/0", "2001:db8::1", true)]
    [InlineData("::/0", "::", true)]
    // An IPv4 address is its IPv4-mapped IPv6 form: ::/0 holds every address, 0.0.0.0/0 only IPv4.
    [InlineData("::/0", "192.0.2.1", true)]
    [InlineData("::/0", "::ffff:192.0.2.1", true)]
    [InlineData("0.0.0.0/0", "2001:db8::1", false)]
    [InlineData("0.0.0.0/0", "::ffff:0.0.0.0", true)]
    [InlineData("0.0.0.0/0", "::fffe:ffff:ffff", false)]
    [InlineData("2001:db8::/32", "192.0.2.1", false)]
    // An IPv4 client as a dual-stack listener reports it.
    [InlineData("192.0.2.0/24", "::ffff:192.0.2.0", true)]
    [InlineData("192.0.2.0/24", "::ffff:192.0.2.255", true)]
    [InlineData("192.0.2.0/24", "::ffff:192.0.3.0", false)]
    [InlineData("203.0.113.7", "::ffff:203.0.113.7", true)]
    [InlineData("203.0.113.7", "::ffff:203.0.113.8", false)]
    [InlineData("0.0.0.0/0", "::ffff:198.51.100.1", true)]
    [InlineData("::ffff:192.0.2.0/120", "192.0.2.77", true)]
    [InlineData("::ffff:192.0.2.0/120", "::ffff:192.0.2.77", true)]
    // Loopback, as the browser tests reach the app.
    [InlineData("127.0.0.1", "127.0.0.1", true)]
    [InlineData("127.0.0.1", "::1", false)]
    [InlineData("::1", "::1", true)]
    public void The_stored_list_holds_exactly_the_addresses_of_its_ranges(string text, string client, bool inside)
    {
        Assert.Null(KeyNetworks.Validate(text, out var stored));
        Assert.Equal(inside, KeyNetworks.FromStored(stored).Contains(IPAddress.Parse(client)));
    }

    // The key check runs on every request of a key with an allowlist: once the list is parsed,
    // matching makes no garbage, whatever the client's family (a per-request allocation over these
    // 5,000 checks would come to tens of kilobytes).
    [Fact]
    public void Matching_allocates_nothing_for_ipv4_ipv6_and_ipv4_mapped_clients()
    {
        var networks = KeyNetworks.FromStored(["198.51.100.0/24", "2001:db8:1::/48", "192.0.2.0/24", "2001:db8::/32", "203.0.113.7/32"]);
        IPAddress[] clients =
        [
            IPAddress.Parse("192.0.2.5"),
            IPAddress.Parse("::ffff:192.0.2.5"),
            IPAddress.Parse("2001:db8::1"),
            IPAddress.Parse("203.0.113.8"),
            IPAddress.Parse("::ffff:203.0.113.8"),
        ];
        var inside = clients.Select(networks.Contains).ToList();
        Assert.Equal([true, true, true, false, false], inside);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var round = 0; round < 1000; round++)
        {
            foreach (var client in clients)
            {
                networks.Contains(client);
            }
        }

        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 100);
    }

    [Fact]
    public void No_address_is_inside_no_list_and_a_stored_entry_that_no_longer_parses_matches_nothing()
    {
        Assert.False(KeyNetworks.FromStored(["0.0.0.0/0", "::/0"]).Contains(null));

        var damaged = KeyNetworks.FromStored(["not an address", "10.0.0.5/8", "192.0.2.0/24"]);
        Assert.False(damaged.Contains(IPAddress.Parse("10.0.0.5")));
        Assert.True(damaged.Contains(IPAddress.Parse("192.0.2.1")));
    }

    [Fact]
    public void Format_gives_back_one_entry_per_line_that_validates_to_the_same_list()
    {
        string[] stored = ["192.0.2.0/24", "2001:db8::1/128"];
        Assert.Equal("192.0.2.0/24\n2001:db8::1/128", KeyNetworks.Format(stored));
        Assert.Null(KeyNetworks.Validate(KeyNetworks.Format(stored), out var again));
        Assert.Equal(stored, again);
    }
}
