using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// One migrated database that several "nodes" (services each with contexts of their own) open at
// once: a SQLite file (not an in-memory database, which lives in one connection) or a fresh
// PostgreSQL copy (PostgresTestServer). Deleted or dropped on dispose.
internal sealed class NodesTestDatabase : IAsyncDisposable
{
    private readonly DatabaseProvider provider;
    private readonly string location;

    private NodesTestDatabase(DatabaseProvider provider, string location, string connectionString)
    {
        this.provider = provider;
        this.location = location;
        Options = DesignTimeOptions.For(provider, connectionString);
    }

    public DbContextOptions<ApplicationDbContext> Options { get; }

    public static async Task<NodesTestDatabase> CreateAsync(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Postgres)
        {
            var connectionString = await PostgresTestServer.CreateDatabaseAsync();
            return new NodesTestDatabase(provider, connectionString, connectionString);
        }

        var path = TestDatabase.NewSqlitePath();
        var database = new NodesTestDatabase(provider, path, $"Data Source={path}");
        await using var db = database.CreateContext();
        await db.Database.MigrateAsync();
        return database;
    }

    public ApplicationDbContext CreateContext() => new(Options);

    public async ValueTask DisposeAsync()
    {
        if (provider == DatabaseProvider.Postgres)
        {
            await PostgresTestServer.DropDatabaseAsync(location);
        }
        else
        {
            TestDatabase.DeleteSqliteFile(location);
        }
    }
}
