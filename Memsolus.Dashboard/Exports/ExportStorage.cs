namespace Memsolus.Dashboard.Exports;

// Where export files are kept (Exports:Storage; unset: the database provider's default).
internal enum ExportStorage
{
    // A folder on this node's disk (Exports:Directory): the default on SQLite, one node.
    Directory,

    // Chunks in the database (ExportChunks) that every node reads: the default on PostgreSQL.
    Database,
}
