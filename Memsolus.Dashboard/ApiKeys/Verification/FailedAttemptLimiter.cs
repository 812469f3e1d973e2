using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.ApiKeys.Verification;

// Counts failed key checks per client address in fixed windows. Memory is bounded: at most
// MaxTrackedClients addresses are remembered, IPv6 clients are counted per /64 (one host can
// hold a whole /64), and a full table first drops windows that have ended.
//
// With several nodes (PostgreSQL), this stays the first line and never touches the database:
// it also keeps, per client, the failures no other node has heard of yet, counted in windows
// aligned to the clock (SharedWindowStart). FailedAttemptSyncWorker takes them every
// FailedAttemptSyncInterval, adds them to the shared table, and hands back the clients whose
// total across nodes reached the limit in the current aligned window (SetSharedBlocks); those
// are blocked here until that window ends. So the shared limit holds within one sync interval
// (plus the time a sync takes); a node's own limit holds at once, as before.
internal sealed class FailedAttemptLimiter(IOptions<ApiKeyVerificationOptions> options, TimeProvider clock, ApiKeyMetrics? metrics = null)
{
    private sealed class Window(long startTicks)
    {
        public long StartTicks = startTicks;
        public int Failures;

        // Failures in the aligned window UnsharedWindowStart that the last sync has not taken.
        public long UnsharedWindowStart;
        public int Unshared;
    }

    private static readonly Dictionary<UInt128, long> NoSharedBlocks = [];

    private readonly ConcurrentDictionary<UInt128, Window> windows = new();
    private readonly Lock sweepLock = new();

    // Clients the shared count has blocked, with the tick their aligned window ends. Replaced
    // whole by each sync and never changed in place, so requests read it without a lock.
    private Dictionary<UInt128, long> sharedBlocks = NoSharedBlocks;

    // Set by a failure, cleared by the sync that takes it: a sync with nothing new skips the scan.
    private int unsharedFailures;

    public int TrackedClients => windows.Count;

    public int SharedBlockCount => Volatile.Read(ref sharedBlocks).Count;

    // The start of the aligned window an instant falls in: the same on every node.
    public static long SharedWindowStart(long utcTicks, TimeSpan window) => utcTicks - (utcTicks % window.Ticks);

    // When the address has used up its failures, here or (shared) across nodes, how long until it may try again.
    public bool IsBlocked(IPAddress? address, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        var shared = Volatile.Read(ref sharedBlocks);
        if (address is null || (windows.IsEmpty && shared.Count == 0))
        {
            return false;
        }

        var key = ClientKey(address);
        var now = clock.GetUtcNow().UtcTicks;
        if (shared.Count != 0 && shared.TryGetValue(key, out var sharedEnds) && now < sharedEnds)
        {
            retryAfter = TimeSpan.FromTicks(sharedEnds - now);
            return true;
        }

        if (!windows.TryGetValue(key, out var window))
        {
            return false;
        }

        var settings = options.Value;
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
            if (window.Failures == settings.FailedAttemptLimit)
            {
                // The failure that blocks the address, once per window.
                metrics?.Blocked();
            }

            // Failures of an aligned window that has ended matter to no node any more.
            var shared = SharedWindowStart(now, settings.FailedAttemptWindow);
            if (window.UnsharedWindowStart != shared)
            {
                window.UnsharedWindowStart = shared;
                window.Unshared = 0;
            }

            window.Unshared++;
        }

        Volatile.Write(ref unsharedFailures, 1);
    }

    // For FailedAttemptSyncWorker: takes every client's failures in the aligned window that starts at
    // windowStart that no sync has taken yet (older ones are dropped).
    internal List<(UInt128 Client, int Failures)> TakeUnshared(long windowStart)
    {
        var taken = new List<(UInt128, int)>();
        if (Interlocked.Exchange(ref unsharedFailures, 0) == 0)
        {
            return taken;
        }

        foreach (var (key, window) in windows)
        {
            lock (window)
            {
                if (window.Unshared > 0 && window.UnsharedWindowStart == windowStart)
                {
                    taken.Add((key, window.Unshared));
                }

                window.Unshared = 0;
            }
        }

        return taken;
    }

    // For FailedAttemptSyncWorker: failures it took but could not write, kept for the next sync.
    internal void ReturnUnshared(long windowStart, IEnumerable<(UInt128 Client, int Failures)> failures)
    {
        foreach (var (key, count) in failures)
        {
            if (windows.TryGetValue(key, out var window))
            {
                lock (window)
                {
                    if (window.Unshared == 0 || window.UnsharedWindowStart == windowStart)
                    {
                        window.UnsharedWindowStart = windowStart;
                        window.Unshared += count;
                    }
                }
            }
        }

        Volatile.Write(ref unsharedFailures, 1);
    }

    // For FailedAttemptSyncWorker: the clients whose failures across all nodes reached the limit in the
    // current aligned window, blocked here until it ends (replacing the previous sync's list).
    internal void SetSharedBlocks(IReadOnlyCollection<UInt128> clients, long windowEnds)
    {
        var blocks = clients.Count == 0 ? NoSharedBlocks : new Dictionary<UInt128, long>(clients.Count);
        foreach (var client in clients)
        {
            blocks[client] = windowEnds;
        }

        Volatile.Write(ref sharedBlocks, blocks);
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

            // Still full of live windows: forget half rather than grow, the oldest first, and
            // blocked clients only after every client that is not: a flood of new addresses must
            // not free a client it blocked. The forgotten start counting again from zero, which
            // costs an attacker a window at most.
            if (windows.Count >= settings.MaxTrackedClients)
            {
                var limit = settings.FailedAttemptLimit;
                var evicted = windows
                    .Select(w => (w.Key, Blocked: Volatile.Read(ref w.Value.Failures) >= limit, w.Value.StartTicks))
                    .OrderBy(w => w.Blocked)
                    .ThenBy(w => w.StartTicks)
                    .Take(windows.Count / 2)
                    .ToList();
                foreach (var (key, _, _) in evicted)
                {
                    windows.TryRemove(key, out _);
                }
            }
        }
    }

    // The client as a number, without allocating: an IPv4 address (plain or mapped into IPv6) as
    // its IPv4-mapped IPv6 form, any other IPv6 address as its /64 prefix. The two never meet:
    // a /64 prefix has its low 64 bits zero, a mapped address has 0xffff in them.
    internal static UInt128 ClientKey(IPAddress address)
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
