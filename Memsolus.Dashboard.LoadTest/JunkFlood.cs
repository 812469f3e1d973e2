using System.Diagnostics;
using System.Net;
using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.LoadTest;

internal sealed record JunkFloodResult(int Keys, TimeSpan Took, long Unauthorized, long Other, long ManagedGrowthBytes, long WorkingSetGrowthBytes);

// Distinct keys with a valid prefix and checksum that match no stored key: each passes the free
// checks and costs the verifier a database lookup. The cache must not keep them.
internal static class JunkFlood
{
    public static async Task<JunkFloodResult> RunAsync(Uri url, int keys, int clients)
    {
        var junk = new string[keys];
        for (var i = 0; i < keys; i++)
        {
            junk[i] = ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret;
        }

        var (managedBefore, workingSetBefore) = Memory();
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients, UseCookies = false };
        using var http = new HttpClient(handler);
        var next = -1;
        long unauthorized = 0, other = 0;
        var started = Stopwatch.GetTimestamp();

        async Task Client()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < keys)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Add("X-Api-Key", junk[i]);
                using var response = await http.SendAsync(request);
                Interlocked.Increment(ref response.StatusCode == HttpStatusCode.Unauthorized ? ref unauthorized : ref other);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(Client)));
        var took = Stopwatch.GetElapsedTime(started);
        var (managedAfter, workingSetAfter) = Memory();
        // The keys themselves were allocated before the first measurement; they stay alive through the second.
        GC.KeepAlive(junk);
        return new JunkFloodResult(keys, took, unauthorized, other, managedAfter - managedBefore, workingSetAfter - workingSetBefore);
    }

    // After a full, compacting collection: what the process keeps, not what it has yet to free.
    private static (long Managed, long WorkingSet) Memory()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: true), process.WorkingSet64);
    }
}
