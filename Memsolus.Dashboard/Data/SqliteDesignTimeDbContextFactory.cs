using Microsoft.EntityFrameworkCore.Design;

namespace Memsolus.Dashboard.Data;

internal sealed class SqliteDesignTimeDbContextFactory : IDesignTimeDbContextFactory<ApplicationDbContext>
{
    public ApplicationDbContext CreateDbContext(string[] args) =>
        new(DesignTimeOptions.For(DatabaseProvider.Sqlite, "Data Source=Data/memsolus.db"));
}
