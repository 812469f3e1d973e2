using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Benchmarks;

// A migrated SQLite file in the temp folder, with the same model options as the app.
internal sealed class BenchmarkDatabase : IDbContextFactory<ApplicationDbContext>, IDisposable
{
    private readonly DbContextOptions<ApplicationDbContext> options;

    public BenchmarkDatabase()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"memsolus-bench-{Guid.NewGuid():N}.db");
        // Identity reads its schema version (passkeys) from the application's services, as the app configures it.
        var services = new ServiceCollection()
            .Configure<IdentityOptions>(o => o.Stores.SchemaVersion = IdentitySchemaVersions.Version3)
            .BuildServiceProvider();
        options = new DbContextOptionsBuilder<ApplicationDbContext>()
            .UseSqlite($"Data Source={Path}")
            .UseApplicationServiceProvider(services)
            .Options;
        using var db = CreateDbContext();
        db.Database.Migrate();
    }

    public string Path { get; }

    public DbContextOptions<ApplicationDbContext> Options => options;

    public ApplicationDbContext CreateDbContext() => new(options);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { Path, Path + "-wal", Path + "-shm" })
        {
            File.Delete(file);
        }
    }
}
