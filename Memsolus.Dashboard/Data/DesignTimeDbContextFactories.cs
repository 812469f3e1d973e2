using Memsolus.Dashboard.Data.Postgres;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Memsolus.Dashboard.Data;

// What `dotnet ef` builds a context with, one factory per provider so that neither borrows the
// other's conventions: `migrations add … --context ApplicationDbContext` writes SQLite's
// migrations, `--context PostgresDbContext` PostgreSQL's, and `database update --connection …`
// applies them to the database named (README: Running several nodes).
internal static class DesignTimeOptions
{
    public static DbContextOptions<ApplicationDbContext> For(DatabaseProvider provider, string connectionString)
    {
        // Without the app's Identity options IdentityDbContext leaves passkeys out of the model.
        var identity = new ServiceCollection()
            .Configure<IdentityOptions>(options => options.Stores.SchemaVersion = IdentitySchemaVersions.Version3)
            .BuildServiceProvider();
        var options = new DbContextOptionsBuilder<ApplicationDbContext>().UseApplicationServiceProvider(identity);
        DataServiceCollectionExtensions.Configure(options, provider, connectionString);
        return options.Options;
    }
}

internal sealed class SqliteDesignTimeDbContextFactory : IDesignTimeDbContextFactory<ApplicationDbContext>
{
    public ApplicationDbContext CreateDbContext(string[] args) =>
        new(DesignTimeOptions.For(DatabaseProvider.Sqlite, "Data Source=Data/memsolus.db"));
}

internal sealed class PostgresDesignTimeDbContextFactory : IDesignTimeDbContextFactory<PostgresDbContext>
{
    public PostgresDbContext CreateDbContext(string[] args) =>
        new(DesignTimeOptions.For(DatabaseProvider.Postgres, "Host=localhost;Database=memsolus"));
}
