using System.ComponentModel.DataAnnotations;

namespace Memsolus.Dashboard.Exports;

// Exports:* — where export files are kept and for how long.
internal sealed class ExportsOptions
{
    public const string SectionName = "Exports";

    // Relative paths are taken from the app's folder (the content root), like the database file.
    [Required(AllowEmptyStrings = false)]
    public string Directory { get; set; } = "Data/exports";

    // A finished export can be downloaded for this long; then its file is deleted.
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    // Exports an owner may have queued or running at once, across both environments.
    [Range(1, 100)]
    public int MaxPendingPerOwner { get; set; } = 5;

    // How long a node's claim on a running export lasts; renewed every third of it while the file
    // is written. Once it has run out (the node died) another node runs the export again
    // (docs/several-nodes.md).
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    // Where files are kept: Directory (this node's folder) or Database (chunks every node reads).
    // Unset: Directory on SQLite, Database on PostgreSQL (docs/several-nodes.md).
    [EnumDataType(typeof(ExportStorage))]
    public ExportStorage? Storage { get; set; }

    // The size of one chunk when files are kept in the database: what a writer or a download holds
    // in memory at a time, and one row per this many bytes. Small values are for tests.
    [Range(16, 16 * 1024 * 1024)]
    public int ChunkBytes { get; set; } = DefaultChunkBytes;

    public const int DefaultChunkBytes = 1024 * 1024;
}
