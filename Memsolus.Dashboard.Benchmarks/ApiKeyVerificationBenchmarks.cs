using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Perfolizer.Mathematics.OutlierDetection;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Verification;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Observability;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Memsolus.Dashboard.Benchmarks;

// What every API request pays for its key (docs/performance.md): generating, parsing with the checksum,
// hashing, and verifying: from the cache (hit), from SQLite holding 100,000 keys (miss), and the
// two rejections. Baseline: the SHA-256 of a key, which every verification includes. Metrics: a
// verifier without the key check's instruments (as before issue 19), with them and nothing
// listening (the default), and with an OpenTelemetry meter provider collecting them (Metrics:Prometheus
// or OTLP on).
// Run: dotnet run -c Release --project Memsolus.Dashboard.Benchmarks -- --filter '*ApiKeyVerification*'
[MemoryDiagnoser]
public class ApiKeyVerificationBenchmarks
{
    private const int StoredKeys = 100_000;

    public enum MetricsMode
    {
        None,
        Off,
        On,
    }

    [Params(MetricsMode.None, MetricsMode.Off, MetricsMode.On)]
    public MetricsMode Metrics { get; set; }

    private ServiceProvider services = default!;
    private MeterProvider? meterProvider;
    private ApiKeyMetrics? metrics;

    private BenchmarkDatabase database = default!;
    private ApiKeyVerifier verifier = default!;
    private string storedKey = default!;
    private byte[] storedHash = default!;
    private ApiKeyHash storedCacheKey;
    private string unknownKey = default!;
    private string badChecksumKey = default!;
    private readonly byte[] hashDestination = new byte[ApiKeyFormat.HashLength];

    [GlobalSetup]
    public void Seed()
    {
        database = new BenchmarkDatabase();
        services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        metrics = Metrics == MetricsMode.None ? null : new ApiKeyMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        // What the app's provider does with the app's meter: aggregates every measurement, and
        // exports only when asked (a scrape).
        meterProvider = Metrics == MetricsMode.On
            ? Sdk.CreateMeterProviderBuilder().AddMeter(Telemetry.MeterName).AddReader(new BaseExportingMetricReader(new NoExport())).Build()
            : null;
        // As the app builds it: a pool of contexts of its own for cache misses.
        verifier = new ApiKeyVerifier(new PooledDbContextFactory<ApplicationDbContext>(database.Options), new ApiKeyCache(Options.Create(new ApiKeyVerificationOptions())), TimeProvider.System, metrics);

        using var connection = new SqliteConnection($"Data Source={database.Path}");
        connection.Open();
        using var transaction = connection.BeginTransaction();
        var owner = Guid.NewGuid().ToString();
        var user = connection.CreateCommand();
        user.Transaction = transaction;
        user.CommandText = "INSERT INTO AspNetUsers (Id, UserName, Email, EmailConfirmed, PhoneNumberConfirmed, TwoFactorEnabled, LockoutEnabled, AccessFailedCount) VALUES ($id, 'bench@example.com', 'bench@example.com', 1, 0, 0, 1, 0)";
        user.Parameters.AddWithValue("$id", owner);
        user.ExecuteNonQuery();

        var key = connection.CreateCommand();
        key.Transaction = transaction;
        key.CommandText = """
            INSERT INTO ApiKeys (Id, OwnerId, Name, NormalizedName, Environment, Permissions, SecretHash, DisplayKey, CreatedAt, CreatedBy, Expiration, RevokedByAdmin, Version)
            VALUES ($id, $owner, $name, $name, 'Live', '["memory.read","memory.write","knowledge.read"]', $hash, $display, $created, $owner, 'Never', 0, $version)
            """;
        var id = key.Parameters.Add("$id", SqliteType.Text);
        key.Parameters.AddWithValue("$owner", owner);
        var name = key.Parameters.Add("$name", SqliteType.Text);
        var hash = key.Parameters.Add("$hash", SqliteType.Blob);
        var display = key.Parameters.Add("$display", SqliteType.Text);
        key.Parameters.AddWithValue("$created", DateTimeOffset.UtcNow.UtcTicks);
        var version = key.Parameters.Add("$version", SqliteType.Text);
        for (var i = 0; i < StoredKeys; i++)
        {
            var generated = ApiKeyFormat.Generate(ApiKeyEnvironment.Live);
            id.Value = Guid.CreateVersion7().ToString();
            name.Value = $"key-{i}";
            hash.Value = generated.Hash;
            display.Value = generated.DisplayKey;
            version.Value = Guid.NewGuid().ToString();
            key.ExecuteNonQuery();
            if (i == StoredKeys / 2)
            {
                storedKey = generated.Secret;
            }
        }

        transaction.Commit();

        storedHash = ApiKeyFormat.Hash(storedKey);
        storedCacheKey = new ApiKeyHash(storedHash);
        unknownKey = ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret;
        badChecksumKey = storedKey[..^1] + (storedKey[^1] == 'A' ? 'B' : 'A');
        if (verifier.VerifyAsync(storedKey, default).AsTask().Result.Key is null)
        {
            throw new InvalidOperationException("The stored key did not verify.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        meterProvider?.Dispose();
        services.Dispose();
        database.Dispose();
    }

    [Benchmark]
    public string Generate() => ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret;

    [Benchmark]
    public bool ParseWithChecksum() => ApiKeyFormat.TryParse(storedKey, out _);

    [Benchmark(Baseline = true)]
    public byte Hash()
    {
        ApiKeyFormat.Hash(storedKey, hashDestination);
        return hashDestination[0];
    }

    // With the outcome ApiMiddleware records for the request, so a hit costs all a served request records.
    [Benchmark]
    public object? VerifyHit()
    {
        var key = verifier.VerifyAsync(storedKey, default).Result.Key;
        metrics?.Check(ApiKeyCheckOutcome.Ok);
        return key;
    }

    [Benchmark]
    public async Task<object?> VerifyMiss() => (await verifier.LookUpAsync(storedCacheKey, storedHash, default)).Key;

    [Benchmark]
    public async Task<int> RejectUnknownWellFormed() => (int)(await verifier.VerifyAsync(unknownKey, default)).Rejection;

    [Benchmark]
    public int RejectBadChecksum() => (int)verifier.VerifyAsync(badChecksumKey, default).Result.Rejection;

    private sealed class NoExport : BaseExporter<OpenTelemetry.Metrics.Metric>
    {
        public override ExportResult Export(in Batch<OpenTelemetry.Metrics.Metric> batch) => ExportResult.Success;
    }
}

// The latency of one cache miss, one invocation per measurement, so the percentiles are those of
// single lookups (BenchmarkDotNet's usual percentiles are of iteration averages). Goal: p99 of a
// miss on SQLite at most 200 µs. Baseline: a cache hit, in the same run.
// Run: dotnet run -c Release --project Memsolus.Dashboard.Benchmarks -- --filter '*ApiKeyMissLatency*'
[Config(typeof(PercentilesConfig))]
public class ApiKeyMissLatencyBenchmarks
{
    private readonly ApiKeyVerificationBenchmarks keys = new();

    [GlobalSetup]
    public void Seed() => keys.Seed();

    [GlobalCleanup]
    public void Cleanup() => keys.Cleanup();

    [Benchmark(Baseline = true)]
    public object? Hit() => keys.VerifyHit();

    [Benchmark]
    public Task<object?> Miss() => keys.VerifyMiss();

    // BenchmarkDotNet's own percentile columns stop at P95; the goal for a miss is stated at P99.
    private sealed class PercentilesConfig : ManualConfig
    {
        public PercentilesConfig()
        {
            // No forced collection between measurements: a server does not run a full GC before each request.
            AddJob(Job.Default.WithInvocationCount(1).WithUnrollFactor(1).WithWarmupCount(100).WithIterationCount(3000).WithGcForce(false).WithOutlierMode(OutlierMode.DontRemove));
            AddColumn(StatisticColumn.P50, StatisticColumn.P95, new P99Column());
        }
    }

    private sealed class P99Column : IColumn
    {
        public string Id => "P99";

        public string ColumnName => "P99";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Statistics;

        public int PriorityInCategory => 10;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Time;

        public string Legend => "99th percentile of all measurements";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
            summary[benchmarkCase]?.ResultStatistics is { } statistics
                ? $"{statistics.Percentiles.Percentile(99) / 1000.0:N3} μs"
                : "NA";

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

        public bool IsAvailable(Summary summary) => true;
    }
}
