using System.Net.Sockets;
using Memsolus.Dashboard.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Memsolus.Dashboard.Tests.Data;

// DatabaseOutage.IsOutage on exceptions the real providers throw, through EF Core where the app
// meets them there: what means "the database cannot serve anyone now" (503) against what is a
// bug or a conflict (500 or its own answer).
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task Sqlite_file_that_cannot_be_opened_is_an_outage_through_ef()
    {
        var folder = Directory.CreateTempSubdirectory("memsolus-outage-").FullName;
        try
        {
            // A folder where the database file should be: "unable to open database file".
            await using var db = Context(DatabaseProvider.Sqlite, $"Data Source={folder}");
            var exception = await Assert.ThrowsAnyAsync<Exception>(() => db.Users.AnyAsync());

            Assert.Equal(14, Assert.IsType<SqliteException>(Innermost<SqliteException>(exception)).SqliteErrorCode);
            Assert.True(DatabaseOutage.IsOutage(exception));
        }
        finally
        {
            Directory.Delete(folder);
        }
    }

    [Fact]
    public async Task Sqlite_file_that_is_no_database_is_an_outage()
    {
        var path = TestDatabase.NewSqlitePath();
        await File.WriteAllTextAsync(path, "this is not a database, and long enough to have a header page of its own");
        try
        {
            await using var db = Context(DatabaseProvider.Sqlite, $"Data Source={path};Pooling=false");
            var exception = await Assert.ThrowsAnyAsync<Exception>(() => db.Users.AnyAsync());

            Assert.Equal(26, Innermost<SqliteException>(exception)?.SqliteErrorCode);
            Assert.True(DatabaseOutage.IsOutage(exception));
        }
        finally
        {
            File.Delete(path);
        }
    }

    // Another writer holds the file past the command timeout (one second here).
    [Fact]
    public async Task Sqlite_locked_by_another_writer_past_the_timeout_is_an_outage()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var holder = new SqliteConnection(database.ConnectionString + ";Pooling=false");
        await holder.OpenAsync();
        await using (var begin = holder.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            await begin.ExecuteNonQueryAsync();
        }

        await using var waiter = new SqliteConnection(database.ConnectionString + ";Pooling=false;Default Timeout=1");
        await waiter.OpenAsync();
        await using var write = waiter.CreateCommand();
        write.CommandText = "BEGIN IMMEDIATE";
        var exception = await Assert.ThrowsAsync<SqliteException>(() => write.ExecuteNonQueryAsync());

        Assert.Equal(5, exception.SqliteErrorCode);
        Assert.True(DatabaseOutage.IsOutage(exception));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Sql_error_is_not_an_outage(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.CreateContext();

        var exception = await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("SELECT * FROM no_such_table"));

        Assert.False(DatabaseOutage.IsOutage(exception));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Unique_violation_through_save_changes_is_not_an_outage(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var owner = await database.AddOwnerAsync();
        await using var db = database.CreateContext();
        db.Users.Add(new ApplicationUser { Id = owner.UserId, UserName = "again@memsolus.test" });

        var exception = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());

        Assert.False(DatabaseOutage.IsOutage(exception));
    }

    // Nothing listens on the port: Npgsql's SocketException, under whatever EF wraps it in.
    [Fact]
    public async Task Postgres_server_that_refuses_connections_is_an_outage_through_ef()
    {
        var closedPort = new NpgsqlConnectionStringBuilder(PostgresTestServer.Server) { Port = ClosedPort(), Database = "postgres", Timeout = 5 };
        await using var db = Context(DatabaseProvider.Postgres, closedPort.ConnectionString);

        var exception = await Assert.ThrowsAnyAsync<Exception>(() => db.Users.AnyAsync());

        Assert.IsType<SocketException>(Innermost<SocketException>(exception));
        Assert.True(DatabaseOutage.IsOutage(exception));
    }

    // The server ends the app's connection (a restart, a failover, pg_terminate_backend): the next
    // command on it fails with 57P01 or a broken stream, and either is an outage.
    [Fact]
    public async Task Postgres_connection_terminated_by_the_server_is_an_outage()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        await using var victim = new NpgsqlConnection(database.ConnectionString + ";Pooling=false");
        await victim.OpenAsync();
        await using (var admin = new NpgsqlConnection(PostgresTestServer.ConnectionString("postgres")))
        {
            await admin.OpenAsync();
            await using var terminate = new NpgsqlCommand($"SELECT pg_terminate_backend({victim.ProcessID})", admin);
            Assert.Equal(true, await terminate.ExecuteScalarAsync());
        }

        await using var query = new NpgsqlCommand("SELECT 1", victim);
        var exception = await Assert.ThrowsAnyAsync<NpgsqlException>(() => query.ExecuteScalarAsync());

        Assert.True(exception is not PostgresException postgres || postgres.SqlState == PostgresErrorCodes.AdminShutdown, exception.Message);
        Assert.True(DatabaseOutage.IsOutage(exception));
    }

    // A role allowed no connections at all: the server's own 53300 "too many connections".
    [Fact]
    public async Task Postgres_too_many_connections_is_an_outage()
    {
        var role = $"memsolus_full_{Guid.NewGuid():N}";
        await ExecuteOnServerAsync($"""CREATE ROLE "{role}" LOGIN PASSWORD 'outage-test' CONNECTION LIMIT 0""");
        try
        {
            var asRole = new NpgsqlConnectionStringBuilder(PostgresTestServer.ConnectionString("postgres")) { Username = role, Password = "outage-test", Pooling = false };
            await using var connection = new NpgsqlConnection(asRole.ConnectionString);

            var exception = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync());

            Assert.Equal(PostgresErrorCodes.TooManyConnections, exception.SqlState);
            Assert.True(DatabaseOutage.IsOutage(exception));
        }
        finally
        {
            await ExecuteOnServerAsync($"""DROP ROLE IF EXISTS "{role}" """);
        }
    }

    // Server answers that are hard to provoke on a test server, made the way Npgsql makes them.
    [Theory]
    [InlineData(PostgresErrorCodes.AdminShutdown, true)]
    [InlineData(PostgresErrorCodes.CrashShutdown, true)]
    [InlineData(PostgresErrorCodes.CannotConnectNow, true)]
    [InlineData(PostgresErrorCodes.TooManyConnections, true)]
    [InlineData(PostgresErrorCodes.DiskFull, true)]
    [InlineData(PostgresErrorCodes.ConnectionFailure, true)]
    [InlineData(PostgresErrorCodes.QueryCanceled, true)]
    [InlineData(PostgresErrorCodes.UniqueViolation, false)]
    [InlineData(PostgresErrorCodes.SerializationFailure, false)]
    [InlineData(PostgresErrorCodes.DeadlockDetected, false)]
    [InlineData(PostgresErrorCodes.UntranslatableCharacter, false)]
    [InlineData(PostgresErrorCodes.UndefinedTable, false)]
    public void Postgres_server_answer_is_an_outage_only_when_the_server_cannot_serve(string sqlState, bool outage)
    {
        var exception = new PostgresException("test", "FATAL", "FATAL", sqlState);

        Assert.Equal(outage, DatabaseOutage.IsOutage(exception));
        Assert.Equal(outage, DatabaseOutage.IsOutage(new DbUpdateException("wrapped", exception)));
    }

    [Fact]
    public void Wrappers_are_read_through_and_other_failures_are_not_outages()
    {
        var unreachable = new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused));

        Assert.True(DatabaseOutage.IsOutage(unreachable));
        Assert.True(DatabaseOutage.IsOutage(new InvalidOperationException("An exception has been raised that is likely due to a transient failure.", unreachable)));
        Assert.True(DatabaseOutage.IsOutage(new RetryLimitExceededException("gave up", new TimeoutException())));
        Assert.True(DatabaseOutage.IsOutage(new AggregateException(new InvalidOperationException(), unreachable)));
        Assert.True(DatabaseOutage.IsOutage(new NpgsqlException("Exception while reading from stream", new IOException("reset"))));
        Assert.True(DatabaseOutage.IsOutage(new NpgsqlException("Exception while reading from stream", new TimeoutException())));

        Assert.False(DatabaseOutage.IsOutage(null));
        Assert.False(DatabaseOutage.IsOutage(new InvalidOperationException("a bug")));
        Assert.False(DatabaseOutage.IsOutage(new IOException("the client's request body broke")));
        Assert.False(DatabaseOutage.IsOutage(new TimeoutException("an outbound call")));
        Assert.False(DatabaseOutage.IsOutage(new OperationCanceledException("the request was aborted", unreachable)));
        Assert.False(DatabaseOutage.IsOutage(new DbUpdateConcurrencyException("changed meanwhile")));
    }

    private static ApplicationDbContext Context(DatabaseProvider provider, string connectionString) =>
        new(TestDatabase.OptionsFor(provider, connectionString));

    private static T? Innermost<T>(Exception? exception)
        where T : Exception
    {
        T? found = null;
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is T match)
            {
                found = match;
            }
        }

        return found;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task ExecuteOnServerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(PostgresTestServer.ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
