using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.LoadTest;

// docs/several-nodes.md "Measured": one JSONL file of about 10 MiB (50,000 lines by default, each
// a memory with content, two tags and metadata) uploaded through POST /api/v1/ingest/files, then
// GET /api/v1/ingest/jobs/{id} every 50 ms until the job has finished; the time from the upload to
// the first answer that says so. The host raises Ingest:MaxFileBytes and MaxTotalBytes to 16 MiB
// (by default one file may hold 1 MiB). Goal: <= 15 s.
internal static class IngestScale
{
    private const double MiB = 1024 * 1024;

    public static async Task<int> RunAsync(int lines, int runs, string? postgres)
    {
        await using var host = new LoadTestHost(postgres, new Dictionary<string, string?>
        {
            ["Ingest:MaxFileBytes"] = (16 * 1024 * 1024).ToString(CultureInfo.InvariantCulture),
            ["Ingest:MaxTotalBytes"] = (16 * 1024 * 1024).ToString(CultureInfo.InvariantCulture),
        });
        await host.StartAsync();
        var key = await host.NewKeyAsync("ingest scale", Permissions.IngestRead, Permissions.IngestWrite);
        var file = Lines(lines);
        Console.WriteLine($"Ingest scale: app (Release, Production, fresh {(postgres is null ? "SQLite" : "PostgreSQL")}) on {host.BaseUrl}; {Environment.ProcessorCount} cores; {lines:N0} lines, {file.Length / MiB:0.00} MiB; load average {ExportScale.LoadAverage()}");

        using var http = new HttpClient { BaseAddress = host.BaseUrl, Timeout = TimeSpan.FromMinutes(10) };
        http.DefaultRequestHeaders.Add("X-Api-Key", key.Secret);
        var met = true;
        for (var run = 1; run <= runs; run++)
        {
            var clock = Stopwatch.StartNew();
            using var form = new MultipartFormDataContent();
            var part = new ByteArrayContent(file);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/jsonl");
            form.Add(part, "files", $"scale-{run}.jsonl");
            using var created = await http.PostAsync("/api/v1/ingest/files", form);
            if (!created.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"The upload was answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
            }

            var accepted = clock.Elapsed;
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
            JsonElement job;
            while (true)
            {
                job = await http.GetFromJsonAsync<JsonElement>($"/api/v1/ingest/jobs/{id}");
                if (job.GetProperty("status").GetString() is not ("queued" or "running"))
                {
                    break;
                }

                await Task.Delay(50);
            }

            var took = clock.Elapsed;
            var status = job.GetProperty("status").GetString();
            var createdCount = job.GetProperty("memoriesCreated").GetInt32();
            var ok = status == "succeeded" && createdCount == lines && took <= TimeSpan.FromSeconds(15);
            met &= ok;
            Console.WriteLine($"Run {run}: {status}, {createdCount:N0} memories created, {job.GetProperty("failed").GetInt32():N0} failed; upload answered in {accepted.TotalSeconds:0.00} s, job finished {took.TotalSeconds:0.0} s after the upload started ({lines / took.TotalSeconds:N0} lines/s; goal <= 15 s); load average {ExportScale.LoadAverage()}");
        }

        Console.WriteLine(met ? "All goals met." : "Some goals were NOT met.");
        return met ? 0 : 1;
    }

    // About 210 bytes a line, so 50,000 lines make about 10 MiB.
    private static byte[] Lines(int count)
    {
        var text = new StringBuilder(count * 220);
        for (var i = 1; i <= count; i++)
        {
            text.Append(CultureInfo.InvariantCulture,
                $$$"""{"content":"Line {{{i,6}}}: a note from a customer call, they want the quarterly plan moved to the second week and the follow-up sent to the team.","tags":["ingest","scale"],"metadata":{"line":{{{i}}}}}""");
            text.Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
