using Memsolus.Dashboard.Data;

namespace Memsolus.Dashboard.Exports;

// Where export files are kept (Exports:Storage): DirectoryExportFileStore, this node's folder, or
// DatabaseExportFileStore, chunks in the database that every node reads. ExportRunner writes a
// run's file through a run (IExportFileRun), ExportStore finds a job's file for a download, and
// the clean-up deletes what has expired.
internal interface IExportFileStore
{
    ExportStorage Storage { get; }

    // Starts writing the file of this run of a claimed job (job.Attempts names the run).
    Task<IExportFileRun> BeginAsync(ExportJob job, CancellationToken cancellationToken);

    // The file of a succeeded job, to be served; null when it is gone.
    Task<ExportFileContent?> OpenAsync(ExportJob job, CancellationToken cancellationToken);

    // Deletes the file of a job whose export has expired; false when it could not be (tried again later).
    Task<bool> DeleteAsync(ExportJob job, CancellationToken cancellationToken);

    // Deletes what no job points at any more (a crash mid-write, a run another node took over);
    // answers how many files or runs it deleted.
    Task<int> DeleteStrayAsync(DateTimeOffset strayBefore, CancellationToken cancellationToken);
}

// The file of one run of a job while it is written.
internal interface IExportFileRun : IAsyncDisposable
{
    // Where the export's content goes.
    Stream Content { get; }

    // Ends the content (every byte stored) and answers the file's size.
    Task<long> CompleteAsync(CancellationToken cancellationToken);

    // Makes this run's file the job's file and records the success (recordSuccess: the conditional
    // update of the job, answering the rows it changed) only if this node still holds the job;
    // false, and this run's file deleted, when it does not.
    Task<bool> CommitAsync(Func<ApplicationDbContext, CancellationToken, Task<int>> recordSuccess, CancellationToken cancellationToken);

    // Deletes whatever this run wrote (it failed, was stopped or was taken over); never throws.
    Task DiscardAsync();
}

// A job's file for a download: a path on this node (served with the OS's file sending) or a
// seekable stream that reads only what is asked for.
internal sealed record ExportFileContent(string? Path, Stream? Stream);
