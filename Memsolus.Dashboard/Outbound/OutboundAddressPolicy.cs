using System.Net;
using System.Net.Sockets;

namespace Memsolus.Dashboard.Outbound;

// Which addresses a customer-controlled URL may reach. Checked on the address actually connected
// to (after DNS resolution, and again for every redirect's connection), so DNS tricks and
// redirects to internal hosts are refused too.
internal static class OutboundAddressPolicy
{
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 10                                  // 10.0.0.0/8
                || b[0] == 0                                     // 0.0.0.0/8
                || b[0] == 127                                   // loopback
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)     // 172.16.0.0/12
                || (b[0] == 192 && b[1] == 168)                  // 192.168.0.0/16
                || (b[0] == 169 && b[1] == 254)                  // link-local, incl. 169.254.169.254 metadata
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)    // carrier-grade NAT 100.64.0.0/10
                || (b[0] == 192 && b[1] == 0 && b[2] == 0)       // 192.0.0.0/24 (IETF; some metadata services)
                || b[0] >= 224);                                 // multicast and reserved
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return !(address.IsIPv6LinkLocal
                || address.IsIPv6SiteLocal
                || address.IsIPv6Multicast
                || (b[0] & 0xFE) == 0xFC                         // unique local fc00::/7 (incl. fd00:ec2::254 metadata)
                || address.Equals(IPAddress.IPv6None));
        }

        return false;
    }
}
