namespace Memsolus.Dashboard.LoadTest;

// What a Prometheus server does to the app while the load check runs with --metrics: GET /metrics
// every interval, signed in as an administrator.
internal sealed class MetricsScraper : IAsyncDisposable
{
    private readonly HttpClient client;
    private readonly TimeSpan interval;
    private readonly CancellationTokenSource stop = new();
    private Task loop = Task.CompletedTask;
    private int succeeded;
    private int failed;
    private long lastBytes;
    private bool sawKeyChecks;
    private string lastFailure = "";

    private MetricsScraper(HttpClient client, TimeSpan interval)
    {
        this.client = client;
        this.interval = interval;
    }

    public static Task<MetricsScraper> StartAsync(HttpClient client, TimeSpan interval)
    {
        var scraper = new MetricsScraper(client, interval);
        scraper.loop = scraper.RunAsync();
        return Task.FromResult(scraper);
    }

    public async Task<(int Succeeded, int Failed, string LastFailure, long LastBytes, bool SawKeyChecks)> StopAsync()
    {
        await stop.CancelAsync();
        await loop;
        return (succeeded, failed, lastFailure, lastBytes, sawKeyChecks);
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await loop;
        client.Dispose();
        stop.Dispose();
    }

    private async Task RunAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(interval, stop.Token);
                using var response = await client.GetAsync("/metrics", stop.Token);
                if (!response.IsSuccessStatusCode)
                {
                    lastFailure = $"{(int)response.StatusCode} {response.Headers.Location}";
                    failed++;
                    continue;
                }

                var text = await response.Content.ReadAsStringAsync(stop.Token);
                succeeded++;
                lastBytes = text.Length;
                sawKeyChecks |= text.Contains("memsolus_api_key_checks_total", StringComparison.Ordinal);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}
