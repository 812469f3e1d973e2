namespace Memsolus.Dashboard.Data;

// Database:* — which database the app keeps its data in, and whether it migrates it at start-up.
internal sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    // Apply pending migrations when the app starts. Unset means: yes on SQLite (one node, one
    // file), no on PostgreSQL, where several nodes start at once and migrations are applied
    // beforehand by one command (docs/several-nodes.md); a node then refuses to start on an unmigrated database.
    public bool? MigrateOnStartup { get; set; }

    public bool ShouldMigrateOnStartup => MigrateOnStartup ?? Provider == DatabaseProvider.Sqlite;
}
