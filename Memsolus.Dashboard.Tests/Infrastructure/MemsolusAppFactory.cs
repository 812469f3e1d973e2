using System.Net;
using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// The whole app, on a database of its own: by default a SQLite file in the temp folder (never
// the shared Data/ file, never another test class's database); with DatabaseProvider.Postgres a
// fresh copy of the migrated template on the test PostgreSQL server (PostgresTestServer).
// Settings given here override appsettings.
public class MemsolusAppFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> settings;
    private readonly bool ownsDatabase;

    public MemsolusAppFactory()
        : this(databasePath: null, settings: null)
    {
    }

    // xunit needs one public constructor on a class fixture; tests that want another database or
    // settings call this one directly. The provider is `provider`, else Database:Provider in the
    // settings (OnPostgres), else SQLite. databasePath is a SQLite file or a PostgreSQL connection
    // string (another node's database, say); null makes a new database that this factory deletes
    // when disposed.
    internal MemsolusAppFactory(
        string? databasePath,
        IReadOnlyDictionary<string, string?>? settings = null,
        bool developmentAdmin = false,
        DatabaseProvider? provider = null)
    {
        Provider = provider
            ?? (settings?.GetValueOrDefault("Database:Provider") is { } configured ? Enum.Parse<DatabaseProvider>(configured) : DatabaseProvider.Sqlite);
        ownsDatabase = databasePath is null;
        DatabasePath = databasePath ?? (Provider == DatabaseProvider.Postgres
            ? PostgresTestServer.CreateDatabaseAsync().GetAwaiter().GetResult()
            : NewDatabasePath());
        this.settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = Provider.ToString(),
            ["ConnectionStrings:DefaultConnection"] = Provider == DatabaseProvider.Postgres ? DatabasePath : $"Data Source={DatabasePath}",
        };
        if (!developmentAdmin)
        {
            // No admin unless a test asks for one, so the accounts a test makes are the only ones.
            this.settings["Admin:Email"] = "";
            this.settings["Admin:Password"] = "";
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            this.settings[key] = value;
        }
    }

    // The setting that puts a factory (and so its twin of a suite) on PostgreSQL.
    public static IReadOnlyDictionary<string, string?> OnPostgres { get; } =
        new Dictionary<string, string?> { ["Database:Provider"] = nameof(DatabaseProvider.Postgres) };

    // Settings with OnPostgres added, for factories that have settings of their own.
    public static Dictionary<string, string?> WithPostgres(IReadOnlyDictionary<string, string?>? settings) =>
        new(settings ?? new Dictionary<string, string?>()) { ["Database:Provider"] = nameof(DatabaseProvider.Postgres) };

    public DatabaseProvider Provider { get; }

    // The SQLite file, or the PostgreSQL connection string.
    public string DatabasePath { get; }

    public LogSink Logs { get; } = new();

    public static string NewDatabasePath() =>
        Path.Combine(Path.GetTempPath(), $"memsolus-tests-{Guid.NewGuid():N}.db");

    // Serves the app with Kestrel on 127.0.0.1 and a free port, for a real browser.
    public Uri StartKestrel()
    {
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(settings));
        builder.ConfigureLogging(logging =>
        {
            logging.AddProvider(Logs);
            logging.AddFilter<LogSink>(category: null, LogLevel.Trace);
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
        if (!ownsDatabase)
        {
            return;
        }

        if (Provider == DatabaseProvider.Postgres)
        {
            await PostgresTestServer.DropDatabaseAsync(DatabasePath);
        }
        else
        {
            DeleteDatabase(DatabasePath);
        }
    }

    public static void DeleteDatabase(string path)
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }
}

// The same app on PostgreSQL, for the PostgreSQL half of a suite that runs on both providers.
public sealed class PostgresAppFactory() : MemsolusAppFactory(databasePath: null, OnPostgres);
