using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Memsolus.Dashboard.ApiKeys;

// A key's IP allowlist (docs/security.md, "IP allowlists"): what the dialogs accept, the canonical
// strings ApiKey.AllowedNetworks stores, and the parsed ranges the key check matches a request's
// address against.
//
// Accepted: IPv4 addresses as four decimal numbers, IPv6 addresses in any standard spelling, each
// alone (a /32 or /128) or as a CIDR range, one per line or separated by commas. Refused, with a
// message naming the line: anything else, including the legacy IPv4 spellings IPAddress.Parse takes
// ("10", "0x0a.0.0.1", "010.0.0.1" read as octal), zone ids (fe80::1%eth0: a zone means nothing to
// another machine), brackets, and a range with host bits set (10.0.0.5/8 is as likely a typo for
// 10.0.0.5 as for 10.0.0.0/8: the message suggests the range, the owner decides). An IPv4-mapped
// IPv6 range (::ffff:10.0.0.0/104) is stored as the IPv4 range it is; duplicates are folded.
// An IPv4 address and its IPv4-mapped IPv6 form are one address, as entries and as clients; so
// ::/0 takes in IPv4 clients too.
internal sealed class KeyNetworks
{
    // More than 50 entries of the longest form (a full IPv6 range) fit with room for spaces.
    public const int MaxTextLength = 4000;

    // The longest entry that can be valid: eight groups of four hex digits and /128.
    private const int MaxEntryLength = 45;

    // ::ffff:0:0/96, the IPv4-mapped IPv6 addresses: an IPv4 address a.b.c.d is matched as
    // ::ffff:a.b.c.d, so an IPv4 client is one address whether the listener reports it as IPv4 or,
    // dual-stack, as IPv4-mapped IPv6; and an IPv4 range a.b.c.d/n is the range ::ffff:a.b.c.d/(96+n).
    private static readonly UInt128 MappedIPv4 = (UInt128)0xFFFF << 32;

    // Every range as 128 bits and a mask, in one address space. The matching is done here rather
    // than with IPNetwork.Contains, which (in .NET 10) misjudges a mapped client against
    // ::ffff:0:0/96 (the mapped form of 0.0.0.0/0), and so that a request pays a few integer
    // operations and no allocation.
    private readonly (UInt128 Network, UInt128 Mask)[] ranges;

    private KeyNetworks((UInt128 Network, UInt128 Mask)[] ranges) => this.ranges = ranges;

    // The key check's test: true when the address is inside one of the ranges. No address (a
    // connection the server could not name) is inside none.
    public bool Contains(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            return false;
        }

        var value = written == 4
            ? MappedIPv4 | BinaryPrimitives.ReadUInt32BigEndian(bytes)
            : BinaryPrimitives.ReadUInt128BigEndian(bytes);
        foreach (var (network, mask) in ranges)
        {
            if ((value & mask) == network)
            {
                return true;
            }
        }

        return false;
    }

    // For a stored list (already canonical). An entry that no longer parses matches nothing: a
    // key's allowlist fails closed.
    public static KeyNetworks FromStored(IReadOnlyList<string> stored)
    {
        var ranges = new List<(UInt128, UInt128)>(stored.Count);
        foreach (var entry in stored)
        {
            if (ParseEntry(entry, out var network) is not null)
            {
                continue;
            }

            var bytes = network.BaseAddress.GetAddressBytes();
            var (value, prefix) = bytes.Length == 4
                ? (MappedIPv4 | BinaryPrimitives.ReadUInt32BigEndian(bytes), 96 + network.PrefixLength)
                : (BinaryPrimitives.ReadUInt128BigEndian(bytes), network.PrefixLength);
            var mask = prefix == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - prefix);
            ranges.Add((value & mask, mask));
        }

        return new KeyNetworks([.. ranges]);
    }

    // The text the dialogs show for a stored list: one entry per line.
    public static string Format(IReadOnlyList<string> stored) => string.Join('\n', stored);

    // null when the text is acceptable, and then networks holds what to store (empty: any address);
    // otherwise the message to show, naming the first line that is wrong, and networks is empty.
    public static string? Validate(string? text, out IReadOnlyList<string> networks)
    {
        networks = [];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (text.Length > MaxTextLength)
        {
            return $"Use at most {MaxTextLength} characters (at most {ApiKeyRules.MaxAllowedNetworks} addresses or ranges).";
        }

        var found = new List<string>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split(['\n', '\r']);
        for (var line = 0; line < lines.Length; line++)
        {
            foreach (var part in lines[line].Split(','))
            {
                var entry = part.Trim(' ', '\t');
                if (entry.Length == 0)
                {
                    continue;
                }

                if (ParseEntry(entry, out var network) is { } problem)
                {
                    return $"Line {line + 1}: {Quote(entry)}{problem}";
                }

                var canonical = network.ToString();
                if (!found.Contains(canonical, StringComparer.Ordinal))
                {
                    found.Add(canonical);
                }

                if (found.Count > ApiKeyRules.MaxAllowedNetworks)
                {
                    return $"Enter at most {ApiKeyRules.MaxAllowedNetworks} addresses or ranges; use a wider range (such as 192.0.2.0/24) to cover many.";
                }
            }
        }

        networks = found;
        return null;
    }

    // The entry in quotes when it is short and printable, so the message can show it safely;
    // otherwise the line number alone says where.
    private static string Quote(string entry) =>
        entry.Length <= MaxEntryLength && entry.All(c => c is >= ' ' and <= '~') ? $"\"{entry}\" " : "this entry ";

    // null and the range, or what is wrong with the entry (the end of a sentence that Validate
    // starts with the entry itself).
    private static string? ParseEntry(string entry, out IPNetwork network)
    {
        network = default;
        if (entry.Length > MaxEntryLength || entry.AsSpan().IndexOfAnyExcept("0123456789abcdefABCDEF:./") >= 0)
        {
            return entry.Contains('%', StringComparison.Ordinal)
                ? "has a zone id (%…); enter the address without it."
                : "is not an IP address or CIDR range (such as 203.0.113.7, 2001:db8::1 or 192.0.2.0/24).";
        }

        var slash = entry.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? entry : entry[..slash];
        if (!IPAddress.TryParse(addressText, out var address)
            || (address.AddressFamily == AddressFamily.InterNetwork && address.ToString() != addressText))
        {
            return "is not an IP address or CIDR range: write IPv4 addresses as four numbers from 0 to 255 (such as 203.0.113.7), without leading zeros.";
        }

        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = bits;
        if (slash >= 0
            && (!int.TryParse(entry.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > bits))
        {
            return $"has a bad prefix length: use /0 to /{bits} after this address.";
        }

        // ::ffff:a.b.c.d/96+n is the IPv4 range a.b.c.d/n: stored (and matched) as that.
        if (address.IsIPv4MappedToIPv6 && prefix >= 96)
        {
            address = address.MapToIPv4();
            prefix -= 96;
        }

        if (HasHostBits(address, prefix))
        {
            return $"has bits set after the /{prefix} prefix: enter the range as {Masked(address, prefix)}/{prefix}, or the single address without a prefix.";
        }

        network = new IPNetwork(address, prefix);
        return null;
    }

    private static bool HasHostBits(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var bit = prefix; bit < bytes.Length * 8; bit++)
        {
            if ((bytes[bit / 8] & (0x80 >> (bit % 8))) != 0)
            {
                return true;
            }
        }

        return false;
    }

    private static IPAddress Masked(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var bit = prefix; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return new IPAddress(bytes);
    }
}
