using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Exports;

// Export files in this node's folder (ExportFiles): a run writes a temporary file of its own and
// moves it into place only when it is complete and this node still holds the job, so a download
// never sees half a file. Only this node can serve them: the default on SQLite, one node.
internal sealed partial class DirectoryExportFileStore(
    ExportFiles files,
    IDbContextFactory<ApplicationDbContext> contextFactory,
    ILogger<DirectoryExportFileStore> logger) : IExportFileStore
{
    public ExportStorage Storage => ExportStorage.Directory;

    private IDbContextFactory<ApplicationDbContext> Contexts => contextFactory;

    public Task<IExportFileRun> BeginAsync(ExportJob job, CancellationToken cancellationToken)
    {
        files.EnsureDirectory();
        var temp = files.PathOf(ExportFiles.TempFileNameFor(job.Id, job.Attempts));
        var final = files.PathOf(ExportFiles.FileNameFor(job.Id, job.Format));
        var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
        return Task.FromResult<IExportFileRun>(new Run(this, stream, temp, final));
    }

    public Task<ExportFileContent?> OpenAsync(ExportJob job, CancellationToken cancellationToken)
    {
        // The path comes from the job row, never from the request.
        var path = job.FileName is null ? null : files.PathOf(job.FileName);
        return Task.FromResult(path is not null && File.Exists(path) ? new ExportFileContent(path, null) : null);
    }

    public Task<bool> DeleteAsync(ExportJob job, CancellationToken cancellationToken) =>
        Task.FromResult(job.FileName is null || TryDelete(files.PathOf(job.FileName)));

    public Task<int> DeleteStrayAsync(DateTimeOffset strayBefore, CancellationToken cancellationToken)
    {
        var stray = 0;
        foreach (var file in files.OwnFiles().Where(f => f.LastWriteTimeUtc < strayBefore.UtcDateTime).ToList())
        {
            stray += TryDelete(file.FullName) ? 1 : 0;
        }

        return Task.FromResult(stray);
    }

    private bool TryDelete(string? path)
    {
        if (path is null)
        {
            return true;
        }

        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            LogDeleteFailed(logger, exception, Path.GetFileName(path));
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete export file {FileName}; the clean-up will try again")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception, string fileName);

    private sealed class Run(DirectoryExportFileStore store, FileStream stream, string temp, string final) : IExportFileRun
    {
        private bool moved;

        public Stream Content => stream;

        public async Task<long> CompleteAsync(CancellationToken cancellationToken)
        {
            await stream.FlushAsync(cancellationToken);
            stream.Flush(flushToDisk: true);
            var size = stream.Length;
            await stream.DisposeAsync();
            return size;
        }

        // The file is moved into place before the success is recorded: a node that loses its lease
        // between the two deletes the file again (the database storage has no such window).
        public async Task<bool> CommitAsync(Func<ApplicationDbContext, CancellationToken, Task<int>> recordSuccess, CancellationToken cancellationToken)
        {
            File.Move(temp, final, overwrite: true);
            moved = true;
            await using var db = await store.Contexts.CreateDbContextAsync(cancellationToken);
            if (await recordSuccess(db, cancellationToken) == 0)
            {
                await DiscardAsync();
                return false;
            }

            moved = false;
            return true;
        }

        public async Task DiscardAsync()
        {
            await stream.DisposeAsync();
            store.TryDelete(temp);
            if (moved)
            {
                store.TryDelete(final);
                moved = false;
            }
        }

        public ValueTask DisposeAsync() => stream.DisposeAsync();
    }
}
