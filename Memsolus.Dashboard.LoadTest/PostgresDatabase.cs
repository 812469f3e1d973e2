using Memsolus.Dashboard.Tests.Infrastructure;
using Npgsql;

namespace Memsolus.Dashboard.LoadTest;

// A throwaway database for the checks run on PostgreSQL, on the tests' server: a private cluster
// this process starts and removes, or the one MEMSOLUS_TEST_POSTGRES names (PrivatePostgresCluster).
// The app migrates it at start-up (LoadTestHost sets Database:MigrateOnStartup).
internal static class PostgresDatabase
{
    private static string Server => PrivatePostgresCluster.Server;

    // The new database's connection string.
    public static async Task<string> CreateAsync()
    {
        var name = $"memsolus_load_{Guid.NewGuid():N}";
        await ExecuteAsync(On("postgres"), $"""CREATE DATABASE "{name}" """);
        return On(name);
    }

    public static async Task DropAsync(string connectionString)
    {
        NpgsqlConnection.ClearAllPools();
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await ExecuteAsync(On("postgres"), $"""DROP DATABASE IF EXISTS "{name}" WITH (FORCE)""");
    }

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static string On(string database) => new NpgsqlConnectionStringBuilder(Server) { Database = database }.ConnectionString;
}
