using System.Diagnostics;
using System.Net;
using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.LoadTest;

// The measurement in docs/several-nodes.md: two nodes on one PostgreSQL database, each on Kestrel on loopback. For
// each of N keys: node B answers a request with it (so B holds it in its cache), node A revokes
// it, and B is asked again and again until it refuses; the time from A's revoke returning to B's
// first refusal is the key's propagation time. Measured with notifications, then with the
// notification trigger disabled (the sweep alone). The baseline is node A itself, asked the same
// way right after its own revoke. Run:
//   dotnet run -c Release --project Memsolus.Dashboard.LoadTest -- --cross-node [--keys 200]
// on the server PostgresDatabase names.
internal static class CrossNodeCheck
{
    public static async Task<int> RunAsync(int keys)
    {
        var database = await PostgresDatabase.CreateAsync();
        try
        {
            await using var a = new LoadTestHost(database);
            await a.StartAsync();
            await using var b = new LoadTestHost(database);
            await b.StartAsync(withOwner: false);
            using var http = new HttpClient();
            Console.WriteLine($"Two nodes on PostgreSQL: A {a.BaseUrl}, B {b.BaseUrl}; {keys} keys per measurement");

            var self = await MeasureAsync(a, a, http, keys);
            var notified = await MeasureAsync(a, b, http, keys);
            await PostgresDatabase.ExecuteAsync(database, """ALTER TABLE "ApiKeyChanges" DISABLE TRIGGER "ApiKeyChanges_Notify" """);
            var swept = await MeasureAsync(a, b, http, keys);

            Report("Node A after its own revoke (baseline)", self);
            Report("Node B, notified", notified);
            Report("Node B, sweep alone (no notifications)", swept);
            var met = notified.Max() <= 1000 && swept.Max() <= 1000;
            Console.WriteLine($"Every key refused by node B within 1 s: {(met ? "yes" : "NO")} (goal: yes)");
            return met ? 0 : 1;
        }
        finally
        {
            await PostgresDatabase.DropAsync(database);
        }
    }

    private static async Task<List<double>> MeasureAsync(LoadTestHost changer, LoadTestHost asked, HttpClient http, int keys)
    {
        var me = new Uri(asked.BaseUrl, "/api/v1/me");
        var milliseconds = new List<double>(keys);
        for (var i = 0; i < keys; i++)
        {
            var key = await changer.NewKeyAsync($"cross-node {i}", Permissions.MemoryRead);
            if (await StatusAsync(http, me, key.Secret) != HttpStatusCode.OK)
            {
                throw new InvalidOperationException("A new key was not accepted.");
            }

            var revoked = await changer.Keys.RevokeAsync(changer.Owner, key.Key.Id, "cross-node check");
            var clock = Stopwatch.StartNew();
            if (!revoked.Succeeded)
            {
                throw new InvalidOperationException(revoked.Error?.Message);
            }

            while (await StatusAsync(http, me, key.Secret) == HttpStatusCode.OK)
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new InvalidOperationException("Node B still accepted a revoked key after 30 s.");
                }
            }

            milliseconds.Add(clock.Elapsed.TotalMilliseconds);
        }

        return milliseconds;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, Uri uri, string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Add("X-Api-Key", secret);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static void Report(string what, List<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToList();
        double At(double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
        Console.WriteLine($"{what,-42} median {At(0.5),7:0.0} ms   p95 {At(0.95),7:0.0} ms   p99 {At(0.99),7:0.0} ms   max {sorted[^1],7:0.0} ms");
    }
}
