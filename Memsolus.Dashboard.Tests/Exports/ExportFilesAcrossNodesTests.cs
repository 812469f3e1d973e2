using System.Net;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Exports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Exports;

// docs/several-nodes.md "Where export files live", with two nodes on one PostgreSQL database: the
// file is chunks in the database (256-byte chunks here, so a file spans many), so a download reaches
// it from any node. Node A runs its export worker (or not, where the test claims runs itself); node
// B never does, so what B serves was written by A. Each node has a fake clock of its own.
public sealed class ExportFilesAcrossNodesTests
{
    private const int ChunkBytes = 256;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Retention = TimeSpan.FromHours(1);

    [Fact]
    public async Task An_export_made_through_A_downloads_through_B_whole_and_ranged_reading_only_the_chunks_it_needs()
    {
        await OnOneDatabaseAsync(aRunsExports: true, async (a, b) =>
        {
            var (session, id) = await ExportThroughAsync(a, byWorker: true);
            var expected = await a.ExpectedContentAsync(id);
            Assert.True(expected.Length > 4 * ChunkBytes);
            var onB = session with { Client = b.ApiClient(session.Key.Secret) };

            await onB.AssertServesAsync(id, expected);

            // Chunk by chunk: the whole file reads each chunk once, a range only those it covers.
            var store = b.Services.GetRequiredService<DatabaseExportFileStore>();
            var before = store.ChunksRead;
            using (var whole = await onB.DownloadExportAsync(id))
            {
                Assert.Equal(expected, await whole.Content.ReadAsByteArrayAsync());
            }

            Assert.Equal((expected.Length + ChunkBytes - 1) / ChunkBytes, store.ChunksRead - before);
            Assert.All(await b.ExportChunksAsync(id), c => Assert.True(c.Data.Length <= ChunkBytes));
            before = store.ChunksRead;
            using (var inOne = await onB.DownloadRangeAsync(id, "bytes=10-99"))
            {
                Assert.Equal(HttpStatusCode.PartialContent, inOne.StatusCode);
            }

            Assert.Equal(1, store.ChunksRead - before);
            before = store.ChunksRead;
            using (var acrossTwo = await onB.DownloadRangeAsync(id, $"bytes={ChunkBytes - 10}-{ChunkBytes + 9}"))
            {
                Assert.Equal(expected[(ChunkBytes - 10)..(ChunkBytes + 10)], await acrossTwo.Content.ReadAsByteArrayAsync());
            }

            Assert.Equal(2, store.ChunksRead - before);
        });
    }

    [Fact]
    public async Task An_expired_export_is_410_on_B_and_the_sweep_deletes_its_chunks()
    {
        // No worker runs: its periodic sweep, holding the lock, would make B's sweep skip its round.
        await OnOneDatabaseAsync(aRunsExports: false, async (a, b) =>
        {
            var (session, id) = await ExportThroughAsync(a);
            var onB = session with { Client = b.ApiClient(session.Key.Secret) };
            Assert.NotEmpty(await b.ExportChunksAsync(id));

            b.Clock.Advance(Retention);
            using var expired = await onB.DownloadExportAsync(id);
            await ApiAssert.ProblemAsync(expired, HttpStatusCode.Gone);

            Assert.Equal(1, await b.ExportRunner().CleanupAsync());
            Assert.Empty(await b.ExportChunksAsync(id));
            Assert.Equal(ExportStatus.Expired, (await b.ExportJobAsync(id)).Status);
        });
    }

    [Fact]
    public async Task A_sweep_does_not_run_while_another_node_sweeps()
    {
        // No worker runs: its periodic sweep would hold the lock at moments the test cannot see.
        await OnOneDatabaseAsync(aRunsExports: false, async (a, b) =>
        {
            var (_, id) = await ExportThroughAsync(a);
            b.Clock.Advance(Retention);

            // Another node's sweep in progress: it holds the advisory lock on its own connection.
            await using (var sweeping = await a.Services.GetRequiredService<ExportSweepLock>().TryAcquireAsync(CancellationToken.None))
            {
                Assert.NotNull(sweeping);
                Assert.Null(await b.Services.GetRequiredService<ExportSweepLock>().TryAcquireAsync(CancellationToken.None));
                Assert.Equal(0, await b.ExportRunner().CleanupAsync());
                Assert.NotEmpty(await b.ExportChunksAsync(id));
                Assert.Equal(ExportStatus.Succeeded, (await b.ExportJobAsync(id)).Status);
            }

            // Released (the transaction ended with the sweep): the next sweep runs. Two at once expire the export once.
            var swept = await Task.WhenAll(b.ExportRunner().CleanupAsync(), b.ExportRunner().CleanupAsync());
            Assert.Equal(1, swept.Sum());
            Assert.Empty(await b.ExportChunksAsync(id));
        });
    }

    [Fact]
    public async Task A_run_that_lost_its_lease_neither_succeeds_nor_leaves_chunks_and_the_run_that_took_over_serves_everywhere()
    {
        await OnOneDatabaseAsync(aRunsExports: false, async (a, b) =>
        {
            var session = await a.NewSessionAsync();
            await a.SeedMemoriesAsync(session, 20);
            var id = (await session.StartExportAsync()).Id();
            var stalled = await a.ExportRunner().ClaimNextAsync();
            b.Clock.Advance(Lease + TimeSpan.FromSeconds(1));
            var takenOver = await b.ExportRunner().ClaimNextAsync();
            Assert.Equal(2, takenOver?.Attempts);

            // A writes its whole file after B took the job over.
            await a.ExportRunner().WriteAsync(stalled!);

            var job = await a.ExportJobAsync(id);
            Assert.Equal(ExportStatus.Running, job.Status);
            Assert.Equal(b.Services.GetRequiredService<LeaseNode>().Id, job.LeasedBy);
            Assert.Empty(await a.ExportChunksAsync(id));
            using (var notYet = await session.DownloadExportAsync(id))
            {
                await ApiAssert.ProblemAsync(notYet, HttpStatusCode.Conflict);
            }

            await b.ExportRunner().WriteAsync(takenOver!);

            Assert.Equal(ExportStatus.Succeeded, (await a.ExportJobAsync(id)).Status);
            Assert.All(await a.ExportChunksAsync(id), c => Assert.Equal(2, c.Attempt));
            using var download = await session.DownloadExportAsync(id);
            Assert.Equal(await a.ExpectedContentAsync(id), await download.Content.ReadAsByteArrayAsync());
        });
    }

    [Fact]
    public async Task Chunks_a_dead_run_left_go_when_the_run_that_took_over_succeeds()
    {
        await OnOneDatabaseAsync(aRunsExports: false, async (a, b) =>
        {
            var session = await a.NewSessionAsync();
            var id = (await session.StartExportAsync()).Id();
            var dead = await a.ExportRunner().ClaimNextAsync();
            // Run 1 wrote two chunks, then its node died.
            await using (var db = await a.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync())
            {
                db.ExportChunks.AddRange(
                    new ExportChunk { JobSequence = dead!.Sequence, Attempt = 1, Index = 0, Data = new byte[ChunkBytes] },
                    new ExportChunk { JobSequence = dead.Sequence, Attempt = 1, Index = 1, Data = new byte[ChunkBytes] });
                await db.SaveChangesAsync();
            }

            b.Clock.Advance(Lease + TimeSpan.FromSeconds(1));
            await b.ExportRunner().WriteAsync((await b.ExportRunner().ClaimNextAsync())!);

            var chunks = await b.ExportChunksAsync(id);
            Assert.NotEmpty(chunks);
            Assert.All(chunks, c => Assert.Equal(2, c.Attempt));
            using var download = await session.DownloadExportAsync(id);
            Assert.Equal(await a.ExpectedContentAsync(id), await download.Content.ReadAsByteArrayAsync());
        });
    }

    // Made through A: by A's worker (byWorker, when it runs), otherwise by A's runner called here.
    private static async Task<(ApiSession Session, Guid Id)> ExportThroughAsync(MemsolusAppFactory a, bool byWorker = false)
    {
        var session = await a.NewSessionAsync();
        await a.SeedMemoriesAsync(session, 20);
        var id = (await session.StartExportAsync()).Id();
        if (byWorker)
        {
            Assert.Equal("succeeded", (await session.WaitForExportAsync(a, id)).Text("status"));
        }
        else
        {
            await a.ExportRunner().WriteAsync((await a.ExportRunner().ClaimNextAsync())!);
            Assert.Equal(ExportStatus.Succeeded, (await a.ExportJobAsync(id)).Status);
        }

        return (session, id);
    }

    // A: its export worker runs (aRunsExports) or is stopped; B: never runs exports.
    private static async Task OnOneDatabaseAsync(bool aRunsExports, Func<MemsolusAppFactory, MemsolusAppFactory, Task> test)
    {
        var database = await PostgresTestServer.CreateDatabaseAsync();
        var settings = new Dictionary<string, string?>
        {
            [$"{ExportsOptions.SectionName}:{nameof(ExportsOptions.LeaseDuration)}"] = Lease.ToString(),
            [$"{ExportsOptions.SectionName}:{nameof(ExportsOptions.Retention)}"] = Retention.ToString(),
            [$"{ExportsOptions.SectionName}:{nameof(ExportsOptions.ChunkBytes)}"] = ChunkBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var node = ExportsHosts.Worker.With(settings) with { Provider = DatabaseProvider.Postgres, Database = database };
        try
        {
            await using var a = new MemsolusAppFactory(aRunsExports ? node : node with { StoppedWorkers = [typeof(ExportWorker)] });
            await using var b = new MemsolusAppFactory(node with { StoppedWorkers = [typeof(ExportWorker)] });
            _ = a.Server;
            _ = b.Server;
            await test(a, b);
        }
        finally
        {
            await PostgresTestServer.DropDatabaseAsync(database);
        }
    }
}
