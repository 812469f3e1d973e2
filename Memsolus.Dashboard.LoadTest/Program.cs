using System.Globalization;
using Memsolus.Dashboard.ApiKeys;

// The load check (docs/performance.md). Run it with perf/load-test.sh (which installs wrk when missing), or:
//   dotnet run -c Release --project Memsolus.Dashboard.LoadTest -- [--rounds 3] [--seconds 10]
//       [--connections 32] [--threads 1] [--flood 100000] [--postgres] [--no-limits] [--metrics]
// (the key under load carries an IP allowlist of the loopback addresses and a rate limit of
// LoadRateLimit requests a minute, so issue 18's checks run on every request without refusing
// any; --no-limits measures a key without them; --metrics turns Metrics:Prometheus on and scrapes
// /metrics as a signed-in administrator every MetricsScrapeInterval while the check runs, so every
// request is measured as in a deployment that collects metrics),
// (--postgres: the app on a new PostgreSQL database instead of a new SQLite file), or the two-node revocation check (docs/several-nodes.md) on PostgreSQL (CrossNodeCheck):
//   dotnet run -c Release --project Memsolus.Dashboard.LoadTest -- --cross-node [--keys 200]
// or the scale checks (docs/several-nodes.md "Measured"), each alone, on SQLite or with --postgres:
//   ... -- --export-scale [--memories 1000000] [--runs 2] [--postgres]            (ExportScale)
//   ... -- --ingest-scale [--lines 50000] [--runs 2] [--postgres]                 (IngestScale)
//   ... -- --webhook-scale [--events 500] [--rate 20] [--backlog 10000] [--postgres] [--two-nodes] (WebhookScale)
// Exit code 0 only when every goal is met.
namespace Memsolus.Dashboard.LoadTest;

internal static class LoadTestProgram
{
    public static async Task<int> Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        if (args is ["--cross-node", ..])
        {
            return await CrossNodeCheck.RunAsync(args is [_, "--keys", var count] ? int.Parse(count, CultureInfo.InvariantCulture) : 200);
        }

        if (args is [("--export-scale" or "--ingest-scale" or "--webhook-scale") and var mode, ..])
        {
            return await ScaleAsync(mode, args[1..]);
        }

        var onPostgres = args.Contains("--postgres");
        var limits = !args.Contains("--no-limits");
        var metrics = args.Contains("--metrics");
        var settings = Settings.Parse([.. args.Where(a => a is not ("--postgres" or "--no-limits" or "--metrics"))]);
        var wrk = new WrkOptions(settings.Threads, settings.Connections, settings.Seconds);
        var database = onPostgres ? await PostgresDatabase.CreateAsync() : null;
        try
        {
            return await RunAsync(settings, wrk, database, limits, metrics);
        }
        finally
        {
            if (database is not null)
            {
                await PostgresDatabase.DropAsync(database);
            }
        }
    }

    private static async Task<int> ScaleAsync(string mode, string[] args)
    {
        var twoNodes = args.Contains("--two-nodes");
        var onPostgres = twoNodes || args.Contains("--postgres");
        var values = ScaleSettings.Parse([.. args.Where(a => a is not ("--postgres" or "--two-nodes"))]);
        var database = onPostgres ? await PostgresDatabase.CreateAsync() : null;
        try
        {
            return mode switch
            {
                "--export-scale" => await ExportScale.RunAsync(values["--memories"], values["--runs"], database),
                "--ingest-scale" => await IngestScale.RunAsync(values["--lines"], values["--runs"], database),
                _ => await WebhookScale.RunAsync(values["--events"], values["--rate"], values["--backlog"], twoNodes, database),
            };
        }
        finally
        {
            if (database is not null)
            {
                await PostgresDatabase.DropAsync(database);
            }
        }
    }

    // A minute's worth far above what wrk on loopback sends (about 3 million a minute here).
    private const int LoadRateLimit = 600_000_000;

    private static readonly string[] LoadAllowlist = ["127.0.0.0/8", "::1"];

    // Prometheus's default scrape interval is a minute; 5 s is a busy scraper.
    private static readonly TimeSpan MetricsScrapeInterval = TimeSpan.FromSeconds(5);

    private static async Task<int> RunAsync(Settings settings, WrkOptions wrk, string? postgres, bool limits, bool metrics)
    {
        // The scraper reaches /metrics as through a TLS-terminating proxy on loopback (a dashboard
        // path is never served over plain HTTP outside Development), so with --metrics the app also
        // runs the forwarded-headers step on every request, /health/live and /api/v1/me alike.
        await using var host = new LoadTestHost(postgres, metrics
            ? new Dictionary<string, string?> { ["Metrics:Prometheus"] = "true", ["ForwardedHeaders:KnownProxies"] = "127.0.0.1" }
            : null);
        await host.StartAsync();
        await using var scraper = metrics ? await MetricsScraper.StartAsync(await host.AdminClientAsync(), MetricsScrapeInterval) : null;
        var health = new Uri(host.BaseUrl, "/health/live");
        var me = new Uri(host.BaseUrl, "/api/v1/me");
        var memories = new Uri(host.BaseUrl, "/api/v1/memories");
        var key = await host.NewKeyAsync("load", Permissions.MemoryRead);
        Console.WriteLine($"App (Release, Production, fresh {(postgres is null ? "SQLite" : "PostgreSQL")}) on {host.BaseUrl}; {Environment.ProcessorCount} cores; wrk -t{wrk.Threads} -c{wrk.Connections} -d{wrk.Seconds}s");
        if (limits)
        {
            await host.LimitAsync(key.Key.Id, LoadAllowlist, LoadRateLimit);
            using var client = new HttpClient();
            client.DefaultRequestHeaders.Add("X-Api-Key", key.Secret);
            using var limited = await client.GetAsync(me);
            var policy = limited.Headers.TryGetValues("RateLimit-Policy", out var values) ? string.Join(", ", values) : "none";
            Console.WriteLine($"Key under load: allowlist {string.Join(", ", LoadAllowlist)}; {LoadRateLimit:N0} requests per minute (first answer {(int)limited.StatusCode}, RateLimit-Policy: {policy}); --no-limits for a key without them");
        }

        // Warm-up: JIT tiers, connection pools, the key in the cache.
        await Wrk.RunAsync(health, wrk with { Seconds = 3 });
        await Wrk.RunAsync(me, wrk with { Seconds = 3 }, key.Secret);

        var ratios = new List<double>();
        for (var round = 1; round <= settings.Rounds; round++)
        {
            var anonymous = await Wrk.RunAsync(health, wrk);
            var keyed = await Wrk.RunAsync(me, wrk, key.Secret);
            if (anonymous.NonSuccess > 0 || keyed.NonSuccess > 0)
            {
                throw new InvalidOperationException($"Round {round} had failed requests: {anonymous.NonSuccess} anonymous, {keyed.NonSuccess} with the key.");
            }

            var ratio = keyed.RequestsPerSecond / anonymous.RequestsPerSecond;
            ratios.Add(ratio);
            Console.WriteLine($"Round {round}: GET /health/live {anonymous.RequestsPerSecond,9:N0} req/s   GET /api/v1/me {keyed.RequestsPerSecond,9:N0} req/s   ratio {ratio:0.000}");
        }

        var medianRatio = ratios.Order().ElementAt(ratios.Count / 2);
        Console.WriteLine($"Median ratio /api/v1/me to /health/live: {medianRatio:0.000} (goal >= 0.95)");

        var changes = new List<ChangeUnderLoadResult>();
        var revoked = await host.NewKeyAsync("revoked under load", Permissions.MemoryRead);
        changes.Add(await ChangeUnderLoad.RunAsync("revoke", me, revoked.Secret, async () =>
            Check(await host.Keys.RevokeAsync(host.Owner, revoked.Key.Id, "load test")), settings.Clients, settings.Before, settings.After));
        var rotated = await host.NewKeyAsync("rotated under load", Permissions.MemoryRead);
        changes.Add(await ChangeUnderLoad.RunAsync("rotate (immediately)", me, rotated.Secret, async () =>
            Check(await host.Keys.RotateAsync(host.Owner, rotated.Key.Id, RotationGrace.Immediately)), settings.Clients, settings.Before, settings.After));
        var edited = await host.NewKeyAsync("edited under load", Permissions.MemoryRead, Permissions.KnowledgeRead);
        changes.Add(await ChangeUnderLoad.RunAsync("edit (memory.read removed)", memories, edited.Secret, async () =>
            Check(await host.Keys.UpdateAsync(host.Owner, edited.Key.Id, new UpdateApiKeyRequest("edited under load", [Permissions.KnowledgeRead]))), settings.Clients, settings.Before, settings.After));
        // Expiry is no change anyone makes: the key is read into the cache with an expiry a moment
        // away, and requests sent once that moment has passed must be refused.
        var expiring = await host.NewKeyAsync("expiring under load", Permissions.MemoryRead);
        var expiresAt = await host.ExpireSoonAsync(expiring.Key.Id, settings.Before + TimeSpan.FromSeconds(1));
        changes.Add(await ChangeUnderLoad.RunAsync("expiry", me, expiring.Secret, () => UntilAsync(expiresAt), settings.Clients, settings.Before, settings.After));
        foreach (var change in changes)
        {
            Console.WriteLine($"{change.Change,-28} {change.Requests,7:N0} requests, {change.SentAfterChange,6:N0} sent after the change returned ({change.ChangeTook.TotalMilliseconds:0.0} ms), accepted after: {change.AcceptedAfterChange}");
        }

        var acceptedAfter = changes.Sum(c => c.AcceptedAfterChange);
        Console.WriteLine($"Requests accepted after a revoke, rotate or edit returned or the expiry passed: {acceptedAfter} (goal 0)");

        var beforeFlood = await Wrk.RunAsync(me, wrk, key.Secret);
        var flood = await JunkFlood.RunAsync(me, settings.Flood, settings.Clients);
        var afterFlood = await Wrk.RunAsync(me, wrk, key.Secret);
        var floodRatio = afterFlood.RequestsPerSecond / beforeFlood.RequestsPerSecond;
        const double MiB = 1024 * 1024;
        Console.WriteLine($"Junk flood: {flood.Keys:N0} distinct well-formed unknown keys in {flood.Took.TotalSeconds:0.0} s ({flood.Unauthorized:N0} answered 401, {flood.Other:N0} otherwise)");
        Console.WriteLine($"  memory kept: managed heap {flood.ManagedGrowthBytes / MiB:+0.0;-0.0} MiB, working set {flood.WorkingSetGrowthBytes / MiB:+0.0;-0.0} MiB (goal <= 50 MiB)");
        Console.WriteLine($"  valid key before {beforeFlood.RequestsPerSecond:N0} req/s, after {afterFlood.RequestsPerSecond:N0} req/s: ratio {floodRatio:0.000} (goal >= 0.90)");

        var scraped = true;
        if (scraper is not null)
        {
            var scrapes = await scraper.StopAsync();
            scraped = scrapes.Failed == 0 && scrapes.Succeeded > 0 && scrapes.SawKeyChecks;
            Console.WriteLine($"Metrics on: /metrics scraped every {MetricsScrapeInterval.TotalSeconds:0} s as an administrator, {scrapes.Succeeded} times ({scrapes.Failed} failed{(scrapes.Failed > 0 ? $", last: {scrapes.LastFailure}" : "")}), last {scrapes.LastBytes:N0} bytes{(scrapes.SawKeyChecks ? " with memsolus_api_key_checks_total" : ", WITHOUT memsolus_api_key_checks_total")}");
        }

        var met = medianRatio >= 0.95 && acceptedAfter == 0 && flood.Other == 0
            && Math.Max(flood.ManagedGrowthBytes, flood.WorkingSetGrowthBytes) <= 50 * MiB && floodRatio >= 0.90 && scraped;
        Console.WriteLine(met ? "All goals met." : "Some goals were NOT met.");
        return met ? 0 : 1;
    }

    // Timers may wake a millisecond early by the wall clock, which is what expiry is measured
    // against: finish the wait on the wall clock itself.
    private static async Task UntilAsync(DateTimeOffset moment)
    {
        if (moment - DateTimeOffset.UtcNow is { Ticks: > 0 } left)
        {
            await Task.Delay(left);
        }

        while (DateTimeOffset.UtcNow < moment)
        {
            Thread.SpinWait(100);
        }
    }

    private static void Check<T>(ApiKeyResult<T> result)
        where T : class
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(result.Error?.Message);
        }
    }
}

internal sealed record Settings(int Rounds, int Seconds, int Connections, int Threads, int Flood, int Clients, TimeSpan Before, TimeSpan After)
{
    public static Settings Parse(string[] args)
    {
        var values = new Dictionary<string, int>
        {
            ["--rounds"] = 3,
            ["--seconds"] = 10,
            ["--connections"] = 32,
            ["--threads"] = 1,
            ["--flood"] = 100_000,
            ["--clients"] = 32,
        };
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!values.ContainsKey(args[i]) || i + 1 >= args.Length || !int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var value) || value < 1)
            {
                throw new ArgumentException($"Unknown or invalid option {args[i]}; options: {string.Join(", ", values.Keys)} followed by a positive number.");
            }

            values[args[i]] = value;
        }

        return new Settings(values["--rounds"], values["--seconds"], values["--connections"], values["--threads"], values["--flood"], values["--clients"],
            TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(1.5));
    }
}

internal static class ScaleSettings
{
    public static Dictionary<string, int> Parse(string[] args)
    {
        var values = new Dictionary<string, int>
        {
            ["--memories"] = 1_000_000,
            ["--lines"] = 50_000,
            ["--runs"] = 2,
            ["--events"] = 500,
            ["--rate"] = 20,
            ["--backlog"] = 10_000,
        };
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!values.ContainsKey(args[i]) || i + 1 >= args.Length || !int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var value) || value < 1)
            {
                throw new ArgumentException($"Unknown or invalid option {args[i]}; options: --postgres, --two-nodes, {string.Join(", ", values.Keys)} followed by a positive number.");
            }

            values[args[i]] = value;
        }

        return values;
    }
}
