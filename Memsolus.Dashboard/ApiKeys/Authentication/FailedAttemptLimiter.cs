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

    private readonly ConcurrentDictionary<string, Window> windows = new(StringComparer.Ordinal);
    private readonly Lock sweepLock = new();

    public int TrackedClients => windows.Count;

    // When the address has used up its failures, how long until it may try again.
    public bool IsBlocked(IPAddress? address, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (address is null || !windows.TryGetValue(ClientKey(address), out var window))
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

    private static string ClientKey(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}
