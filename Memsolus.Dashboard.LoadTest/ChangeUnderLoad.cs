using System.Diagnostics;
using System.Net;

namespace Memsolus.Dashboard.LoadTest;

internal sealed record ChangeUnderLoadResult(string Change, long Requests, long SentAfterChange, long AcceptedAfterChange, TimeSpan ChangeTook);

// Clients hammer one endpoint with one key; meanwhile the key is changed through the app's
// service. Every request records when it was sent; a request sent after the change returned that
// is still answered 200 is a failure of check 8 in docs/security.md. Requests already in flight when the
// change returned may be answered either way.
internal static class ChangeUnderLoad
{
    public static async Task<ChangeUnderLoadResult> RunAsync(
        string change, Uri url, string apiKey, Func<Task> makeChange, int clients, TimeSpan before, TimeSpan after)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients, UseCookies = false };
        using var http = new HttpClient(handler);
        http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        var changedAt = long.MaxValue;
        var stop = false;
        long requests = 0, sentAfter = 0, acceptedAfter = 0;

        async Task Client()
        {
            while (!Volatile.Read(ref stop))
            {
                var sent = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync(url);
                Interlocked.Increment(ref requests);
                if (sent > Volatile.Read(ref changedAt))
                {
                    Interlocked.Increment(ref sentAfter);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref acceptedAfter);
                    }
                }
            }
        }

        var load = Enumerable.Range(0, clients).Select(_ => Task.Run(Client)).ToArray();
        await Task.Delay(before);
        var started = Stopwatch.GetTimestamp();
        await makeChange();
        Volatile.Write(ref changedAt, Stopwatch.GetTimestamp());
        var took = Stopwatch.GetElapsedTime(started);
        await Task.Delay(after);
        Volatile.Write(ref stop, true);
        await Task.WhenAll(load);
        return new ChangeUnderLoadResult(change, requests, sentAfter, acceptedAfter, took);
    }
}
