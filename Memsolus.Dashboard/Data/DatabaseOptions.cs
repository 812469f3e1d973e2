namespace Memsolus.Dashboard.Data;

public enum DatabaseProvider
{
    // One file beside the app: the zero-setup default of `dotnet run`, for one node.
    Sqlite,

    // A shared server, for several app nodes behind a load balancer (README: Running several nodes).
    Postgres,
}

// Database:* — which database the app keeps its data in, and whether it migrates it at start-up.
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    // Apply pending migrations when the app starts. Unset means: yes on SQLite (one node, one
    // file), no on PostgreSQL, where several nodes start at once and migrations are applied
    // beforehand by one command (README); a node then refuses to start on an unmigrated database.
    public bool? MigrateOnStartup { get; set; }

    public bool ShouldMigrateOnStartup => MigrateOnStartup ?? Provider == DatabaseProvider.Sqlite;
}
