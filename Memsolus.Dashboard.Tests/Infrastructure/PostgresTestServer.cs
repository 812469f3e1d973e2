using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Data.Postgres;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// The databases of the tests that run on both providers, on the server PrivatePostgresCluster
// gives: this test run's own throwaway cluster, or the one MEMSOLUS_TEST_POSTGRES names. The schema
// is migrated once per test run, into a template, and every test database is a fresh copy of it:
// as cheap as SQLite's per-test files, and never shared.
internal static class PostgresTestServer
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? template;

    public static string Server => PrivatePostgresCluster.Server;

    public static string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(Server) { Database = database }.ConnectionString;

    // A new database with every migration applied; the caller drops it with DropDatabaseAsync.
    public static async Task<string> CreateDatabaseAsync()
    {
        // CREATE DATABASE … TEMPLATE needs the template to itself: one copy at a time.
        await Gate.WaitAsync();
        try
        {
            template ??= await CreateTemplateAsync();
            var name = $"memsolus_test_{Guid.NewGuid():N}";
            await ExecuteAsync($"""CREATE DATABASE "{name}" TEMPLATE "{template}" """);
            return ConnectionString(name);
        }
        finally
        {
            Gate.Release();
        }
    }

    // An empty database, for tests of migrating one.
    public static async Task<string> CreateEmptyDatabaseAsync()
    {
        var name = $"memsolus_test_{Guid.NewGuid():N}";
        await ExecuteAsync($"""CREATE DATABASE "{name}" """);
        return ConnectionString(name);
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        // FORCE ends the app's own leftover connections; it cannot end a server process of another
        // role's (an autovacuum worker that just started on the database), so try again shortly.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ExecuteAsync($"""DROP DATABASE IF EXISTS "{name}" WITH (FORCE)""");
                return;
            }
            catch (PostgresException) when (attempt < 10)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
        }
    }

    private static async Task<string> CreateTemplateAsync()
    {
        var name = $"memsolus_template_{Guid.NewGuid():N}";
        try
        {
            await ExecuteAsync($"""CREATE DATABASE "{name}" """);
        }
        catch (Exception exception) when (exception is NpgsqlException or System.Net.Sockets.SocketException)
        {
            throw new InvalidOperationException(
                PrivatePostgresCluster.IsConfigured
                    ? $"The PostgreSQL half of the tests could not use the server {PrivatePostgresCluster.Variable} names (host, port, user, password; the role needs CREATEDB); unset it to let the tests start a private one. {exception.Message}"
                    : $"The PostgreSQL half of the tests could not use its private server (see PrivatePostgresCluster). {exception.Message}",
                exception);
        }

        var connectionString = ConnectionString(name);
        await using (var context = new PostgresDbContext(DesignTimeOptions.For(DatabaseProvider.Postgres, connectionString)))
        {
            await context.Database.MigrateAsync();
        }

        // A template cannot be copied while anyone is connected to it, pooled connections included.
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        // A private cluster is deleted whole at exit; a server of the developer's outlives the run.
        if (PrivatePostgresCluster.IsConfigured)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
                ExecuteAsync($"""DROP DATABASE IF EXISTS "{name}" WITH (FORCE)""").GetAwaiter().GetResult();
        }

        return name;
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
