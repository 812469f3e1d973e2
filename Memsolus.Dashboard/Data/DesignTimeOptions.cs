using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Data;

// What `dotnet ef` builds a context with, one factory per provider so that neither borrows the
// other's conventions: `migrations add … --context ApplicationDbContext` writes SQLite's
// migrations, `--context PostgresDbContext` PostgreSQL's, and `database update --connection …`
// applies them to the database named (docs/several-nodes.md).
internal static class DesignTimeOptions
{
    public static DbContextOptions<ApplicationDbContext> For(DatabaseProvider provider, string connectionString)
    {
        // Without the app's Identity options IdentityDbContext leaves passkeys out of the model.
        var identity = new ServiceCollection()
            .Configure<IdentityOptions>(options => options.Stores.SchemaVersion = IdentitySchemaVersions.Version3)
            .BuildServiceProvider();
        var options = new DbContextOptionsBuilder<ApplicationDbContext>().UseApplicationServiceProvider(identity);
        DataExtensions.Configure(options, provider, connectionString);
        return options.Options;
    }
}
