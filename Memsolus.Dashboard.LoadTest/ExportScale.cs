using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.LoadTest;

// docs/several-nodes.md "Measured": an ndjson export of many memories (1,000,000 by default),
// seeded straight into the database (ScaleSeed). Each run: POST /api/v1/exports, then
// GET /api/v1/exports/{id} every 50 ms until it has succeeded; the time from the request to the
// first answer that says succeeded, and the process's working set over its idle working set
// (ProcessMemory: the app runs in this process). Goals: <= 60 s and <= 150 MB.
internal static class ExportScale
{
    private const double MiB = 1024 * 1024;

    public static async Task<int> RunAsync(int memories, int runs, string? postgres)
    {
        await using var host = new LoadTestHost(postgres);
        await host.StartAsync();
        var key = await host.NewKeyAsync("export scale", Permissions.ExportRead, Permissions.ExportWrite);
        Console.WriteLine($"Export scale: app (Release, Production, fresh {(postgres is null ? "SQLite" : "PostgreSQL")}) on {host.BaseUrl}; {Environment.ProcessorCount} cores; load average {LoadAverage()}");

        var seeding = Stopwatch.StartNew();
        var seeded = await ScaleSeed.MemoriesAsync(host, memories);
        Console.WriteLine($"Seeded {seeded:N0} memories in {seeding.Elapsed.TotalSeconds:0.0} s (straight into the database)");

        using var http = new HttpClient { BaseAddress = host.BaseUrl };
        http.DefaultRequestHeaders.Add("X-Api-Key", key.Secret);
        var met = true;
        for (var run = 1; run <= runs; run++)
        {
            await using var memory = await ProcessMemory.StartAsync();
            var clock = Stopwatch.StartNew();
            using var created = await http.PostAsJsonAsync("/api/v1/exports", new { format = "ndjson", include = new[] { "memories" } });
            created.EnsureSuccessStatusCode();
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
            JsonElement job;
            while (true)
            {
                job = await http.GetFromJsonAsync<JsonElement>($"/api/v1/exports/{id}");
                var status = job.GetProperty("status").GetString();
                if (status is "succeeded" or "failed")
                {
                    break;
                }

                await Task.Delay(50);
            }

            var took = clock.Elapsed;
            var status1 = job.GetProperty("status").GetString();
            var count = job.GetProperty("memoryCount").ValueKind == JsonValueKind.Number ? job.GetProperty("memoryCount").GetInt32() : 0;
            var size = job.GetProperty("sizeBytes").ValueKind == JsonValueKind.Number ? job.GetProperty("sizeBytes").GetInt64() : 0;
            var growth = memory.GrowthBytes;
            var ok = status1 == "succeeded" && count == seeded && took <= TimeSpan.FromSeconds(60) && growth <= 150 * 1000 * 1000;
            met &= ok;
            Console.WriteLine($"Run {run}: {status1}, {count:N0} memories, {size / MiB:0.0} MiB ndjson in {took.TotalSeconds:0.0} s (goal <= 60 s); {memory.Describe()} (goal <= 150 MB); load average {LoadAverage()}");
        }

        Console.WriteLine(met ? "All goals met." : "Some goals were NOT met.");
        return met ? 0 : 1;
    }

    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
