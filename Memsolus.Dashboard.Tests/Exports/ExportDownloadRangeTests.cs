using Memsolus.Dashboard.Exports;

namespace Memsolus.Dashboard.Tests.Exports;

// A download is the same whichever storage keeps the file: the folder on SQLite, chunks of 256
// bytes in the database on PostgreSQL (a file of several chunks, ranges that cross one's end).
public abstract class ExportDownloadRangeTests(MemsolusAppFactory app)
{
    public static IReadOnlyDictionary<string, string?> SmallChunks { get; } =
        new Dictionary<string, string?> { [$"{ExportsOptions.SectionName}:{nameof(ExportsOptions.ChunkBytes)}"] = "256" };

    [Fact]
    public async Task A_download_serves_the_whole_file_single_ranges_416_and_if_range()
    {
        var session = await app.NewSessionAsync();
        await app.SeedMemoriesAsync(session, 20);
        var id = (await session.StartExportAsync(new { format = "ndjson" })).Id();
        await session.WaitForExportAsync(app, id);

        await session.AssertServesAsync(id, await app.ExpectedContentAsync(id));
    }

    public sealed class OnSqlite(AppFixture<OnSqlite> fixture) : ExportDownloadRangeTests(fixture.App), IClassFixture<AppFixture<OnSqlite>>, ITestHost
    {
        public static TestHostOptions Options => ExportsHosts.Worker.With(SmallChunks);
    }

    public sealed class OnPostgres(AppFixture<OnPostgres> fixture) : ExportDownloadRangeTests(fixture.App), IClassFixture<AppFixture<OnPostgres>>, ITestHost
    {
        public static TestHostOptions Options => ExportsHosts.Worker.With(SmallChunks).OnPostgres();
    }
}
