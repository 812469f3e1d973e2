using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Memsolus.Dashboard.Data;

// Tells "the database cannot be reached or cannot serve anyone right now" (an outage: answer 503
// and ask to come back later) from every other database failure (a bug or a bad request: 500 or
// the caller's own 4xx). EF Core, Identity and the health check wrap the provider's exception
// (DbUpdateException, RetryLimitExceededException, the "likely due to a transient failure"
// InvalidOperationException), so the whole chain of inner exceptions is read.
// See docs/security.md#when-the-database-is-down.
internal static class DatabaseOutage
{
    // The Retry-After every outage answer carries, on the API and on the dashboard's page: long
    // enough for a restarting server or a failover, short enough that clients are back soon.
    public const int RetryAfterSeconds = 30;

    public const string Title = "Service temporarily unavailable";

    public const string Message = "Memsolus can't reach its database right now; try again in a minute.";

    // How deep into inner exceptions to look: far more than any wrapper nests, and a bound on a cycle.
    private const int MaxDepth = 16;

    public static bool IsOutage(Exception? exception)
    {
        for (var depth = 0; exception is not null && depth < MaxDepth; depth++, exception = exception.InnerException)
        {
            switch (exception)
            {
                // The request itself was cancelled (the client went away), whatever the provider saw.
                case OperationCanceledException:
                    return false;
                case PostgresException postgres:
                    return IsOutage(postgres);
                case NpgsqlException npgsql when IsUnreachable(npgsql):
                    return true;
                case SqliteException sqlite:
                    return IsOutage(sqlite);
                case RetryLimitExceededException:
                    // EF gave up retrying what its execution strategy found transient: the last
                    // failure is the inner exception, and whatever it was, it did not go away.
                    return true;
                case AggregateException aggregate:
                    return aggregate.InnerExceptions.Any(IsOutage);
            }
        }

        return false;
    }

    // Npgsql's own failures (not the server's answer): the socket, the stream, a timeout (a
    // command's, or waiting for a free connection in an exhausted pool).
    private static bool IsUnreachable(NpgsqlException exception) =>
        exception.InnerException is SocketException or IOException or TimeoutException
        || exception.Message.Contains("connection pool has been exhausted", StringComparison.OrdinalIgnoreCase);

    // The server answered, but refuses to serve: it is shutting down, starting up, out of
    // connections, memory or disk, or the connection broke. Constraint violations, serialization
    // failures and deadlocks are not outages: they are answered where they happen.
    private static bool IsOutage(PostgresException exception) =>
        exception.SqlState switch
        {
            "57P01" or "57P02" or "57P03" => true, // admin_shutdown, crash_shutdown, cannot_connect_now
            "57014" => true, // query_canceled by statement_timeout (a request's own cancel is an OperationCanceledException)
            "58000" or "58030" => true, // system_error, io_error
            "3D000" or "28000" or "28P01" => true, // the database is gone, or refuses our credentials
            _ => exception.SqlState.StartsWith("08", StringComparison.Ordinal) // connection_exception
                || exception.SqlState.StartsWith("53", StringComparison.Ordinal), // insufficient_resources: disk, memory, too many connections
        };

    // SQLite's primary result codes (https://sqlite.org/rescode.html). Outages: the file cannot be
    // opened, read or written (permissions, a full or failing disk, a file that is no database
    // any more), or another writer held it past the busy timeout. Not outages: SQL errors,
    // constraints, type mismatches, misuse: bugs, answered as 500 so they get fixed.
    private static bool IsOutage(SqliteException exception) =>
        (exception.SqliteErrorCode & 0xFF) switch
        {
            3 => true, // SQLITE_PERM
            5 => true, // SQLITE_BUSY: locked by another writer for longer than the command timeout
            6 => true, // SQLITE_LOCKED
            7 => true, // SQLITE_NOMEM
            8 => true, // SQLITE_READONLY: the file or its folder became read-only
            10 => true, // SQLITE_IOERR: disk I/O error
            11 => true, // SQLITE_CORRUPT
            13 => true, // SQLITE_FULL
            14 => true, // SQLITE_CANTOPEN: unable to open database file
            15 => true, // SQLITE_PROTOCOL
            26 => true, // SQLITE_NOTADB: the file is not a database (any more)
            _ => false,
        };
}
