using Memsolus.Dashboard.Data.Postgres;
using Microsoft.EntityFrameworkCore.Design;

namespace Memsolus.Dashboard.Data;

internal sealed class PostgresDesignTimeDbContextFactory : IDesignTimeDbContextFactory<PostgresDbContext>
{
    public PostgresDbContext CreateDbContext(string[] args) =>
        new(DesignTimeOptions.For(DatabaseProvider.Postgres, "Host=localhost;Database=memsolus"));
}
