using System.Net;
using System.Net.Sockets;

namespace Memsolus.Dashboard.Outbound;

// Which addresses a customer-controlled URL may reach: the one policy for both moments it is
// applied. When a URL is saved (a webhook's url), a host written as a literal address is refused
// at once (IsRefusedLiteralHost), so the customer hears it then rather than from a failed delivery.
// When connecting (OutboundHttp), the address actually connected to is checked (after DNS
// resolution, and again for every redirect's connection), so DNS tricks and redirects to internal
// hosts are refused too.
internal static class OutboundAddressPolicy
{
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => IsPublicIPv4(address.GetAddressBytes()),
            AddressFamily.InterNetworkV6 => IsPublicIPv6(address),
            _ => false,
        };
    }

    // A URL whose host is an IP address (in any spelling the URL parser or the resolver accepts:
    // 2130706433, 0x7f.1, 0177.0.0.1, 127.1, [::ffff:127.0.0.1] …) that IsPublic refuses.
    // Host names are left to the connection-time check, where their addresses are known.
    public static bool IsRefusedLiteralHost(Uri uri)
    {
        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : uri.Host.TrimEnd('.');
        return IPAddress.TryParse(host, out var address) && !IsPublic(address);
    }

    private static bool IsPublicIPv4(byte[] b) =>
        !(b[0] == 10                                             // 10.0.0.0/8
          || b[0] == 0                                           // 0.0.0.0/8, incl. 0.0.0.0
          || b[0] == 127                                         // loopback
          || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)           // 172.16.0.0/12
          || (b[0] == 192 && b[1] == 168)                        // 192.168.0.0/16
          || (b[0] == 169 && b[1] == 254)                        // link-local, incl. 169.254.169.254 metadata
          || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)          // carrier-grade NAT 100.64.0.0/10
          || (b[0] == 192 && b[1] == 0 && b[2] == 0)             // 192.0.0.0/24 (IETF; some metadata services)
          || (b[0] == 198 && (b[1] == 18 || b[1] == 19))         // 198.18.0.0/15 benchmarking, used inside data centres
          || b[0] >= 224);                                       // multicast, reserved and broadcast

    // The IPv6 ranges that carry an IPv4 address (IPv4-compatible, NAT64, 6to4, Teredo) are refused
    // whole: a gateway on the way turns them into a connection to whatever IPv4 address they
    // embed, internal ones included, and a public IPv4 destination can be reached as itself.
    private static bool IsPublicIPv6(IPAddress address)
    {
        var b = address.GetAddressBytes();
        return !(IPAddress.IsLoopback(address)
                 || address.IsIPv6LinkLocal                      // fe80::/10
                 || address.IsIPv6SiteLocal                      // fec0::/10
                 || address.IsIPv6Multicast
                 || (b[0] & 0xFE) == 0xFC                        // unique local fc00::/7 (incl. fd00:ec2::254 metadata)
                 || b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 // ::/96: unspecified, loopback and IPv4-compatible
                 || (StartsWith(b, 0x00, 0x64, 0xFF, 0x9B) && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0) // NAT64 64:ff9b::/96
                 || StartsWith(b, 0x00, 0x64, 0xFF, 0x9B, 0x00, 0x01) // local NAT64 64:ff9b:1::/48
                 || StartsWith(b, 0x20, 0x02)                    // 6to4 2002::/16
                 || StartsWith(b, 0x20, 0x01, 0x00, 0x00));      // Teredo 2001::/32
    }

    private static bool StartsWith(byte[] bytes, params ReadOnlySpan<byte> prefix) => bytes.AsSpan().StartsWith(prefix);
}
