using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.ApiKeys.Authentication;

// Counts failed key checks per client address in fixed windows. Memory is bounded: at most
// MaxTrackedClients addresses are remembered, IPv6 clients are counted per /64 (one host can
// hold a whole /64), and a full table first drops windows that have ended.
public sealed class FailedAttemptLimiter(IOptions<ApiKeyVerificationOptions> options, TimeProvider clock)
{
    private sealed class Window(long startTicks)
    {
        public long StartTicks = startTicks;
        public int Failures;
    }

    private readonly ConcurrentDictionary<UInt128, Window> windows = new();
    private readonly Lock sweepLock = new();

    public int TrackedClients => windows.Count;

    // When the address has used up its failures, how long until it may try again.
    public bool IsBlocked(IPAddress? address, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (address is null || windows.IsEmpty || !windows.TryGetValue(ClientKey(address), out var window))
        {
            return false;
        }

        var settings = options.Value;
        var now = clock.GetUtcNow().UtcTicks;
        lock (window)
        {
            var ends = window.StartTicks + settings.FailedAttemptWindow.Ticks;
            if (now >= ends || window.Failures < settings.FailedAttemptLimit)
            {
                return false;
            }

            retryAfter = TimeSpan.FromTicks(ends - now);
            return true;
        }
    }

    public void RecordFailure(IPAddress? address)
    {
        if (address is null)
        {
            return;
        }

        var settings = options.Value;
        var now = clock.GetUtcNow().UtcTicks;
        var key = ClientKey(address);
        if (!windows.TryGetValue(key, out var window))
        {
            if (windows.Count >= settings.MaxTrackedClients)
            {
                Sweep(now, settings);
            }

            window = windows.GetOrAdd(key, _ => new Window(now));
        }

        lock (window)
        {
            if (now >= window.StartTicks + settings.FailedAttemptWindow.Ticks)
            {
                window.StartTicks = now;
                window.Failures = 0;
            }

            window.Failures++;
        }
    }

    private void Sweep(long now, ApiKeyVerificationOptions settings)
    {
        lock (sweepLock)
        {
            if (windows.Count < settings.MaxTrackedClients)
            {
                return;
            }

            foreach (var (key, window) in windows)
            {
                if (now >= window.StartTicks + settings.FailedAttemptWindow.Ticks)
                {
                    windows.TryRemove(key, out _);
                }
            }

            // Still full of live windows: forget the oldest half rather than grow. Those clients
            // start counting again from zero, which costs an attacker a window at most.
            if (windows.Count >= settings.MaxTrackedClients)
            {
                foreach (var (key, _) in windows.OrderBy(w => w.Value.StartTicks).Take(windows.Count / 2))
                {
                    windows.TryRemove(key, out _);
                }
            }
        }
    }

    // The client as a number, without allocating: an IPv4 address (plain or mapped into IPv6) as
    // its IPv4-mapped IPv6 form, any other IPv6 address as its /64 prefix. The two never meet:
    // a /64 prefix has its low 64 bits zero, a mapped address has 0xffff in them.
    private static UInt128 ClientKey(IPAddress address)
    {
        const ulong Ipv4Mapped = 0xffffUL << 32;
        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(bytes, out _);
            return Ipv4Mapped | BinaryPrimitives.ReadUInt32BigEndian(bytes);
        }

        address.TryWriteBytes(bytes, out _);
        return address.IsIPv4MappedToIPv6
            ? Ipv4Mapped | BinaryPrimitives.ReadUInt32BigEndian(bytes[12..])
            : new UInt128(BinaryPrimitives.ReadUInt64BigEndian(bytes), 0);
    }
}
