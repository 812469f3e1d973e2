namespace Memsolus.Dashboard.Exports;

// One piece of an export's file kept in the database (Exports:Storage = Database, the default on
// PostgreSQL), so that every node can serve it (docs/several-nodes.md "Where export files live").
// A run of a job writes its chunks under its own Attempt, so a node that lost its lease and the node
// that took the job over never mix their pieces; the file of a succeeded job is the chunks of the
// run recorded in its Attempts.
internal sealed class ExportChunk
{
    public long JobSequence { get; set; }

    public int Attempt { get; set; }

    // 0, 1, 2, … in the file's order; every chunk but the last holds exactly Exports:ChunkBytes.
    public int Index { get; set; }

    public required byte[] Data { get; set; }
}
