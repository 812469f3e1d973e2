using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Data;

internal static class DataExtensions
{
    public static WebApplicationBuilder AddData(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.SectionName)
            .ValidateOnStart();

        // Blazor Server components and services take one short-lived context per operation from
        // the factory; Identity's stores take the scoped context that AddDbContextFactory also registers.
        // The connection string is read when the container is built, so every configuration source
        // (environment variables, test hosts) has had its say.
        builder.Services.AddDbContextFactory<ApplicationDbContext>((services, options) =>
        {
            var configuration = services.GetRequiredService<IConfiguration>();
            var environment = services.GetRequiredService<IHostEnvironment>();
            var provider = services.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider;
            var connectionString = configuration.GetConnectionString("DefaultConnection")
                ?? throw new InvalidOperationException("Connection string 'DefaultConnection' not found.");
            if (provider == DatabaseProvider.Sqlite)
            {
                connectionString = ResolveSqliteConnectionString(connectionString, environment.ContentRootPath);
            }

            Configure(options, provider, connectionString);
            // Features that must see every save register one (the API key cache's invalidation).
            options.AddInterceptors(services.GetServices<IInterceptor>());
        });
        builder.Services.AddDatabaseDeveloperPageExceptionFilter();
        // Who holds the leases this node's workers take on queued rows (QueueLease).
        builder.Services.AddSingleton<LeaseNode>();
        builder.Services.AddHostedService<DatabaseInitializer>();
        // Before AddDataProtection, whose own hosted service reads (and, on an empty ring, creates)
        // the key ring at start-up: hosted services start in registration order.
        builder.Services.AddHostedService<DataProtectionKeyRingInitializer>();

        // Keys that protect sign-in cookies, antiforgery tokens and webhook secrets live in the
        // database, under one application name, so every node reads and writes the same key
        // ring: a cookie one node issues, another accepts, and a restart or a new container
        // does not make stored webhook secrets unreadable.
        builder.Services.AddDataProtection()
            .SetApplicationName("Memsolus.Dashboard")
            .PersistKeysToDbContext<ApplicationDbContext>();

        return builder;
    }

    // Inside the error pages (UseErrorPages), so a request that meets a database outage answers
    // 503 with Retry-After and a page saying so, not the error page's 500.
    public static WebApplication UseDatabaseOutagePage(this WebApplication app)
    {
        app.UseMiddleware<DatabaseOutageMiddleware>();
        return app;
    }

    // The one place a provider is chosen: the app, the migrator, design-time tools and tests all
    // build their options here.
    internal static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, DatabaseProvider provider, string connectionString) =>
        provider switch
        {
            DatabaseProvider.Sqlite => options.UseSqlite(connectionString),
            DatabaseProvider.Postgres => options.UseNpgsql(connectionString),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Database:Provider is Sqlite or Postgres."),
        };

    // A relative file name is taken from the app's folder, not from wherever `dotnet run` was
    // started, so the database always lands in the app's Data/ folder; the folder is created here.
    internal static string ResolveSqliteConnectionString(string connectionString, string contentRootPath)
    {
        var csb = new SqliteConnectionStringBuilder(connectionString);
        var dataSource = csb.DataSource;
        var inMemory = csb.Mode == SqliteOpenMode.Memory
            || string.IsNullOrEmpty(dataSource)
            || dataSource.Equals(":memory:", StringComparison.OrdinalIgnoreCase);
        if (inMemory)
        {
            return csb.ToString();
        }

        if (!Path.IsPathRooted(dataSource))
        {
            csb.DataSource = Path.GetFullPath(Path.Combine(contentRootPath, dataSource));
        }

        var directory = Path.GetDirectoryName(csb.DataSource);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        return csb.ToString();
    }
}
