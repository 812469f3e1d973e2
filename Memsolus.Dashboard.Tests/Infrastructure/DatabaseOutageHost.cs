using Memsolus.Dashboard.Data;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// The app on a database of its own that a test takes away (Cut) and gives back (Restore) while
// the app runs, on either provider, for tests of what a database outage is answered:
// - SQLite: the file is moved aside and a folder put in its place, so every new connection fails
//   with "unable to open database file" (an open connection would go on reading the moved file,
//   so the pools are emptied after the move);
// - PostgreSQL: the app reaches its database through a TcpRelay, which resets every connection and
//   refuses new ones until restored; on restore the app's pool is emptied, so the dead connections
//   it still holds are not handed to the next requests (what a real outage costs the first requests
//   after it is not what these tests are about).
internal sealed class DatabaseOutageHost : IAsyncDisposable
{
    private readonly TcpRelay? relay;
    private readonly string? postgresDatabase;

    private DatabaseOutageHost(MemsolusAppFactory app, TcpRelay? relay, string? postgresDatabase)
    {
        App = app;
        this.relay = relay;
        this.postgresDatabase = postgresDatabase;
    }

    public MemsolusAppFactory App { get; }

    public bool IsDown { get; private set; }

    private string SqliteAside => App.Database + ".away";

    public static async Task<DatabaseOutageHost> StartAsync(TestHostOptions options)
    {
        DatabaseOutageHost host;
        if (options.Provider == DatabaseProvider.Postgres)
        {
            var database = await PostgresTestServer.CreateDatabaseAsync();
            var relay = TcpRelay.ToPostgres(database);
            host = new DatabaseOutageHost(new MemsolusAppFactory(options with { Database = relay.Relayed(database) }), relay, database);
        }
        else
        {
            host = new DatabaseOutageHost(new MemsolusAppFactory(options with { Database = null }), relay: null, postgresDatabase: null);
        }

        _ = host.App.Server;
        return host;
    }

    public void Cut()
    {
        if (relay is not null)
        {
            relay.Cut();
        }
        else
        {
            File.Move(App.Database, SqliteAside);
            Directory.CreateDirectory(App.Database);
            SqliteConnection.ClearAllPools();
        }

        IsDown = true;
    }

    public void Restore()
    {
        if (!IsDown)
        {
            return;
        }

        if (relay is not null)
        {
            relay.Restore();
            using var connection = new NpgsqlConnection(App.Database);
            NpgsqlConnection.ClearPool(connection);
        }
        else
        {
            Directory.Delete(App.Database);
            File.Move(SqliteAside, App.Database);
            SqliteConnection.ClearAllPools();
        }

        IsDown = false;
    }

    public async ValueTask DisposeAsync()
    {
        Restore();
        await App.DisposeAsync();
        if (relay is not null)
        {
            await relay.DisposeAsync();
            await PostgresTestServer.DropDatabaseAsync(postgresDatabase!);
        }
    }
}
