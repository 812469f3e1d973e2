using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Memsolus.Dashboard.Hosting;

// ForwardedHeaders:* — the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto the app
// believes (TransportSecurityExtensions). Nothing listed means nobody is believed, loopback
// included: ASP.NET's own default trusts 127.0.0.0/8 and ::1, so any process on the machine (or a
// proxy nobody configured on purpose) could choose the client address the failed-attempt limiter
// and the audit log see. Each setting is a list (ForwardedHeaders:KnownProxies:0, …) or one
// comma-separated value (ForwardedHeaders__KnownProxies=10.0.0.2,10.0.0.3).
internal sealed class TrustedProxyOptions : IValidatableObject
{
    public const string SectionName = "ForwardedHeaders";

    // Addresses of proxies, such as 10.0.0.2 or fd00::2.
    public List<string> KnownProxies { get; set; } = [];

    // Networks of proxies in CIDR form, such as 10.0.0.0/8: the address with no host bits set,
    // then the prefix length.
    public List<string> KnownNetworks { get; set; } = [];

    public bool Any => KnownProxies.Count > 0 || KnownNetworks.Count > 0;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in KnownProxies)
        {
            if (string.IsNullOrWhiteSpace(proxy))
            {
                yield return Empty(nameof(KnownProxies));
            }
            else if (!TryParseAddress(proxy, out _))
            {
                yield return new ValidationResult(
                    $"{SectionName}:{nameof(KnownProxies)}: '{proxy}' is not an IP address (write one address, such as 10.0.0.2).",
                    [nameof(KnownProxies)]);
            }
        }

        foreach (var network in KnownNetworks)
        {
            if (string.IsNullOrWhiteSpace(network))
            {
                yield return Empty(nameof(KnownNetworks));
            }
            else if (NetworkError(network) is { } error)
            {
                yield return new ValidationResult($"{SectionName}:{nameof(KnownNetworks)}: '{network}' {error}", [nameof(KnownNetworks)]);
            }
        }
    }

    public IEnumerable<IPAddress> ProxyAddresses() =>
        KnownProxies.Select(p => TryParseAddress(p, out var address) ? address : throw new InvalidOperationException($"Not validated: {p}"));

    public IEnumerable<System.Net.IPNetwork> Networks() => KnownNetworks.Select(n => System.Net.IPNetwork.Parse(n.Trim()));

    // Only a literal address: IPAddress.TryParse also takes "10" or "0x0a000001", which nobody
    // means in a proxy list.
    private static bool TryParseAddress(string text, out IPAddress address)
    {
        text = text.Trim();
        address = IPAddress.None;
        if (!IPAddress.TryParse(text, out var parsed))
        {
            return false;
        }

        address = parsed;
        return parsed.AddressFamily == AddressFamily.InterNetworkV6 || text.Count(c => c == '.') == 3;
    }

    // An empty entry (KnownProxies:0 set to "", or "10.0.0.2,,10.0.0.3") is refused rather than
    // skipped: it is a list someone meant to fill, and the app cannot tell what was meant.
    private static ValidationResult Empty(string setting) =>
        new($"{SectionName}:{setting}: an entry is empty (remove the setting to trust no proxy, or write the addresses separated by commas).", [setting]);

    private static string? NetworkError(string text)
    {
        var parts = text.Trim().Split('/');
        if (parts.Length != 2)
        {
            return "is not a network in CIDR form (write an address, a slash and a prefix length, such as 10.0.0.0/8).";
        }

        if (!TryParseAddress(parts[0], out var address))
        {
            return $"does not start with an IP address ('{parts[0]}').";
        }

        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > bits)
        {
            return $"has a bad prefix length ('{parts[1]}'; 0 to {bits} for this address).";
        }

        // 10.0.0.1/8 is almost always a typo for one proxy (10.0.0.1) or for 10.0.0.0/8: refuse
        // it rather than guess which.
        var bytes = address.GetAddressBytes();
        for (var bit = prefix; bit < bits; bit++)
        {
            if ((bytes[bit / 8] & (0x80 >> (bit % 8))) != 0)
            {
                var network = new System.Net.IPNetwork(Masked(bytes, prefix), prefix);
                return $"has host bits set after the /{prefix} prefix (the network is {network}; list a single proxy under {nameof(KnownProxies)}).";
            }
        }

        return null;
    }

    private static IPAddress Masked(byte[] bytes, int prefix)
    {
        var masked = (byte[])bytes.Clone();
        for (var bit = prefix; bit < masked.Length * 8; bit++)
        {
            masked[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return new IPAddress(masked);
    }
}
