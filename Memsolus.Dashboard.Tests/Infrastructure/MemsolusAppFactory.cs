using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// The whole app, on a SQLite database file of its own in the temp folder: never the shared
// Data/ file, never another test class's database. Settings given here override appsettings.
public class MemsolusAppFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> settings;
    private readonly bool ownsDatabase;

    public MemsolusAppFactory()
        : this(databasePath: null, settings: null)
    {
    }

    // xunit needs one public constructor on a class fixture; tests that want another database or
    // settings call this one directly.
    internal MemsolusAppFactory(
        string? databasePath,
        IReadOnlyDictionary<string, string?>? settings = null,
        bool developmentAdmin = false)
    {
        ownsDatabase = databasePath is null;
        DatabasePath = databasePath ?? NewDatabasePath();
        this.settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:DefaultConnection"] = $"Data Source={DatabasePath}",
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
        if (ownsDatabase)
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
