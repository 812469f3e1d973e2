using System.Net;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Outbound;
using Memsolus.Dashboard.Webhooks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// The one test host: the whole app, on a database of its own (never the shared Data/ file, never
// another test class's), configured by TestHostOptions rather than by subclasses. It keeps every
// log line the app writes, down to Trace, and gives the app an exports folder and a mail pickup
// folder of its own (never the repository's Data/).
public sealed class MemsolusAppFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> settings;
    private readonly bool ownsDatabase;
    private readonly FakeTimeProvider? clock;
    private readonly RecordingWebhookEvents? webhookEvents;

    // The default app; xunit builds it as a class fixture through this constructor, and allows
    // a class fixture only one public constructor.
    public MemsolusAppFactory()
        : this(new TestHostOptions())
    {
    }

    internal MemsolusAppFactory(TestHostOptions options)
    {
        Options = options;
        ownsDatabase = options.Database is null;
        Database = options.Database ?? (options.Provider == DatabaseProvider.Postgres
            ? PostgresTestServer.CreateDatabaseAsync().GetAwaiter().GetResult()
            : TestDatabase.NewSqlitePath());
        ExportsDirectory = Path.Combine(Path.GetTempPath(), $"memsolus-exports-{Guid.NewGuid():N}");
        MailPickupDirectory = Path.Combine(Path.GetTempPath(), $"memsolus-mail-{Guid.NewGuid():N}");
        clock = options.FakeClock ? TestClock.New() : null;
        webhookEvents = options.RecordWebhookEvents ? new RecordingWebhookEvents() : null;
        settings = Settings(options, Database, ExportsDirectory, MailPickupDirectory);
        if (options.Kestrel)
        {
            UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        }
        else if (options.UsesHttps)
        {
            ClientOptions.BaseAddress = new Uri("https://localhost");
        }
    }

    public TestHostOptions Options { get; }

    public DatabaseProvider Provider => Options.Provider;

    // The SQLite file, or the PostgreSQL connection string.
    public string Database { get; }

    // Exports:Directory; nothing is there until the export worker writes a file.
    public string ExportsDirectory { get; }

    // Email:PickupDirectory: where the app writes its mail as .eml files without TestHostOptions.Smtp.
    public string MailPickupDirectory { get; }

    public FakeLogCollector Logs { get; } = new();

    public FakeTimeProvider Clock =>
        clock ?? throw new InvalidOperationException("This host runs on the system clock: set TestHostOptions.FakeClock.");

    public RecordingWebhookEvents WebhookEvents =>
        webhookEvents ?? throw new InvalidOperationException("This host publishes webhooks: set TestHostOptions.RecordWebhookEvents.");

    // Where Kestrel serves the app (TestHostOptions.Kestrel); the first read starts it.
    public Uri KestrelAddress
    {
        get
        {
            StartServer();
            return new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Options.Environment);
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(settings));
        builder.ConfigureLogging(logging =>
        {
            logging.AddProvider(new FakeLoggerProvider(Logs));
            logging.AddFilter<FakeLoggerProvider>(category: null, LogLevel.Trace);
        });
        builder.ConfigureServices(services =>
        {
            // The app registers TimeProvider.System with TryAdd; these run after the app's own
            // registrations, so the system clock is removed, not shadowed.
            if (clock is not null)
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(clock);
            }

            if (webhookEvents is not null)
            {
                services.RemoveAll<IWebhookEvents>();
                services.AddSingleton<IWebhookEvents>(webhookEvents);
            }

            foreach (var worker in Options.StoppedWorkers)
            {
                StopWorker(services, worker);
            }

            if (Options.OutboundHandler is { } configure)
            {
                services.AddHttpClient(OutboundHttp.ClientName)
                    .ConfigurePrimaryHttpMessageHandler((handler, _) => configure((SocketsHttpHandler)handler));
            }

            Options.Services?.Invoke(services);
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
        if (ownsDatabase)
        {
            if (Provider == DatabaseProvider.Postgres)
            {
                await PostgresTestServer.DropDatabaseAsync(Database);
            }
            else
            {
                TestDatabase.DeleteSqliteFile(Database);
            }
        }

        if (Directory.Exists(ExportsDirectory))
        {
            Directory.Delete(ExportsDirectory, recursive: true);
        }
        else
        {
            // A test may put a file where the folder should be, to make writing an export fail.
            File.Delete(ExportsDirectory);
        }

        if (Directory.Exists(MailPickupDirectory))
        {
            Directory.Delete(MailPickupDirectory, recursive: true);
        }
    }

    private static Dictionary<string, string?> Settings(TestHostOptions options, string database, string exportsDirectory, string mailPickupDirectory)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = options.Provider.ToString(),
            ["ConnectionStrings:DefaultConnection"] = options.Provider == DatabaseProvider.Postgres ? database : $"Data Source={database}",
            ["Exports:Directory"] = exportsDirectory,
            ["Email:PickupDirectory"] = mailPickupDirectory,
        };
        switch (options.Admin)
        {
            case TestAdmin.None:
                settings["Admin:Email"] = "";
                settings["Admin:Password"] = "";
                break;
            case TestAdmin.Configured:
                settings["Admin:Email"] = TestAccounts.AdminEmail;
                settings["Admin:Password"] = TestAccounts.Password;
                break;
        }

        if (options.AllowPrivateNetworks)
        {
            settings["Outbound:AllowPrivateNetworks"] = "true";
        }

        foreach (var (key, value) in options.Smtp?.Settings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        foreach (var (key, value) in options.Settings)
        {
            settings[key] = value;
        }

        return settings;
    }

    // Removes one hosted service, leaving the others. A worker that is not registered is an error:
    // the test would otherwise race a worker it believes stopped.
    private static void StopWorker(IServiceCollection services, Type worker)
    {
        var registrations = services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == worker).ToList();
        if (registrations.Count == 0)
        {
            throw new InvalidOperationException($"No hosted service {worker.Name} to stop.");
        }

        foreach (var registration in registrations)
        {
            services.Remove(registration);
        }
    }
}
