using System.Net;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Tests.Data;

// PostgreSQL's migrations and how a node meets its database (docs/several-nodes.md).
public sealed class PostgresDatabaseTests
{
    [Fact]
    public void PostgreSQL_migrations_in_the_repository_cover_the_whole_model()
    {
        using var context = new PostgresDesignTimeDbContextFactory().CreateDbContext([]);

        Assert.False(context.Database.HasPendingModelChanges(),
            "The model has changes no PostgreSQL migration covers: run `dotnet ef migrations add <Name> --project Memsolus.Dashboard --context PostgresDbContext --output-dir Data/Postgres/Migrations --namespace Memsolus.Dashboard.Data.Postgres.Migrations`.");
    }

    [Fact]
    public void SQLite_and_PostgreSQL_models_have_the_same_tables_and_columns()
    {
        using var sqlite = new SqliteDesignTimeDbContextFactory().CreateDbContext([]);
        using var postgres = new PostgresDesignTimeDbContextFactory().CreateDbContext([]);

        Assert.Equal(Columns(sqlite), Columns(postgres));

        static List<string> Columns(DbContext context) =>
        [
            .. context.Model.GetRelationalModel().Tables
                .SelectMany(t => t.Columns.Select(c => $"{t.Name}.{c.Name}{(c.IsNullable ? "?" : "")}"))
                .Order(StringComparer.Ordinal),
        ];
    }

    [Fact]
    public async Task A_node_refuses_to_start_on_an_unmigrated_database_and_names_the_way_to_migrate_it()
    {
        var database = await PostgresTestServer.CreateEmptyDatabaseAsync();
        try
        {
            await using var node = new MemsolusAppFactory(new() { Provider = DatabaseProvider.Postgres, Database = database });

            var refused = Assert.ThrowsAny<Exception>(() => node.Server);

            var message = string.Join(" | ", Flatten(refused).Select(e => e.Message));
            Assert.Contains("lacks", message);
            Assert.Contains("docs/several-nodes.md", message);
        }
        finally
        {
            await PostgresTestServer.DropDatabaseAsync(database);
        }
    }

    // What `dotnet ef database update --context PostgresDbContext --connection …` does: the
    // design-time factory's context, pointed at the database, migrated; then a node that does not
    // migrate at start-up finds its schema and serves.
    [Fact]
    public async Task The_migration_command_prepares_a_database_that_nodes_then_start_on()
    {
        var database = await PostgresTestServer.CreateEmptyDatabaseAsync();
        try
        {
            await using (var context = new PostgresDesignTimeDbContextFactory().CreateDbContext([]))
            {
                context.Database.SetConnectionString(database);
                await context.Database.MigrateAsync();
            }

            await using var node = new MemsolusAppFactory(new() { Provider = DatabaseProvider.Postgres, Database = database });
            using var ready = await node.CreateClient().GetAsync("/health/ready");

            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }
        finally
        {
            await PostgresTestServer.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task With_MigrateOnStartup_a_node_migrates_an_empty_database_itself()
    {
        var database = await PostgresTestServer.CreateEmptyDatabaseAsync();
        try
        {
            await using var node = new MemsolusAppFactory(new()
            {
                Provider = DatabaseProvider.Postgres,
                Database = database,
                Settings = new Dictionary<string, string?> { ["Database:MigrateOnStartup"] = "true" },
            });
            using var ready = await node.CreateClient().GetAsync("/health/ready");

            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }
        finally
        {
            await PostgresTestServer.DropDatabaseAsync(database);
        }
    }

    private static IEnumerable<Exception> Flatten(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten))
                {
                    yield return inner;
                }
            }
        }
    }
}
