using Memsolus.Dashboard.Memories;
using Memsolus.Dashboard.Tests.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Memsolus.Dashboard.Tests.Ingestion;

// Imported text meets the API's rules too: a .jsonl line holding text no provider can store, or
// metadata deeper than the limit, is that line's error (the rest of the file is imported), and a
// fetched page whose text holds a NUL is stored without it. The job finishes; nothing is a crash.
public abstract class UnstorableIngestTests(MemsolusAppFactory app)
{
    [Fact]
    public async Task Jsonl_lines_with_unstorable_text_or_too_deep_metadata_are_per_line_errors_and_the_rest_is_imported()
    {
        var session = await app.NewSessionAsync();
        var lines = string.Join('\n',
            """{"content":"kept line"}""",
            """{"content":"a\u0000b"}""",
            """{"content":"x","metadata":{"\ud800":"v"}}""",
            """{"content":"y","tags":["\udc00"]}""",
            """{"content":"z","metadata":{"k":"\u001b"}}""",
            $$"""{"content":"deep","metadata":{{UnstorableInputTests.Nested(Memory.MaxMetadataDepth + 1)}}}""");

        using var response = await session.UploadAsync(("lines.jsonl", lines));
        var job = await session.FinishedJobAsync(app, response);

        Assert.Equal("partial", job.GetProperty("status").GetString());
        Assert.Equal((1, 5), (IngestClient.Count(job, "memoriesCreated"), IngestClient.Count(job, "failed")));
        var errors = IngestClient.Errors(job);
        Assert.Equal([2, 3, 4, 5, 6], errors.Select(e => e.Line));
        Assert.Contains("content", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("metadata", errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("tags[0]", errors[2].Message, StringComparison.Ordinal);
        Assert.Contains("metadata.k", errors[3].Message, StringComparison.Ordinal);
        Assert.Contains($"{Memory.MaxMetadataDepth} levels", errors[4].Message, StringComparison.Ordinal);
        Assert.Equal("kept line", Assert.Single(await session.ListAsync("/api/v1/memories")).GetProperty("content").GetString());
    }

    [Fact]
    public async Task A_fetched_page_holding_a_nul_is_imported_without_it()
    {
        await using var server = await LoopbackServer.StartAsync(web => web.MapGet("/nul.txt", () => Results.Text("before\0after", "text/plain")));
        var session = await app.NewSessionAsync();

        using var response = await session.SubmitUrlAsync(server.Url("/nul.txt").AbsoluteUri);
        var job = await session.FinishedJobAsync(app, response);

        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal("beforeafter", Assert.Single(await session.ListAsync("/api/v1/knowledge")).GetProperty("content").GetString());
    }

    public sealed class OnSqlite(AppFixture<OnSqlite> fixture) : UnstorableIngestTests(fixture.App), IClassFixture<AppFixture<OnSqlite>>, ITestHost
    {
        public static TestHostOptions Options => IngestHosts.Worker;
    }

    public sealed class OnPostgres(AppFixture<OnPostgres> fixture) : UnstorableIngestTests(fixture.App), IClassFixture<AppFixture<OnPostgres>>, ITestHost
    {
        public static TestHostOptions Options => IngestHosts.Worker.OnPostgres();
    }
}
