using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Memsolus.Dashboard.Data;

internal static class DataServiceCollectionExtensions
{
    public static WebApplicationBuilder AddData(this WebApplicationBuilder builder)
    {
        // Blazor Server components and services take one short-lived context per operation from
        // the factory; Identity's stores take the scoped context that AddDbContextFactory also registers.
        // The connection string is read when the container is built, so every configuration source
        // (environment variables, test hosts) has had its say.
        builder.Services.AddDbContextFactory<ApplicationDbContext>((services, options) =>
        {
            var configuration = services.GetRequiredService<IConfiguration>();
            var environment = services.GetRequiredService<IHostEnvironment>();
            var connectionString = configuration.GetConnectionString("DefaultConnection")
                ?? throw new InvalidOperationException("Connection string 'DefaultConnection' not found.");
            options.UseSqlite(ResolveSqliteConnectionString(connectionString, environment.ContentRootPath));
            // Features that must see every save register one (the API key cache's invalidation).
            options.AddInterceptors(services.GetServices<IInterceptor>());
        });
        builder.Services.AddDatabaseDeveloperPageExceptionFilter();
        builder.Services.AddHostedService<DatabaseMigrator>();

        return builder;
    }

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
