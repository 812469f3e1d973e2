using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Memsolus.Dashboard.Tests.Ingestion;

// What is refused at the door (400/413, nothing queued) and what is refused item by item while
// the rest of the job still imports. Limits here: 3 files, 16 KiB a file, 32 KiB an upload,
// 16 KiB a fetched URL (IngestHosts).
public abstract class IngestValidationTests(MemsolusAppFactory app)
{
    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("ftp://example.com/notes.txt")]
    [InlineData("javascript:alert(1)")]
    [InlineData("data:text/html,<p>hi</p>")]
    [InlineData("mailto:someone@example.com")]
    [InlineData("example.com/page")]
    [InlineData("http://")]
    [InlineData("https://user:secret@example.com/")]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Url_that_is_not_an_absolute_http_or_https_url_is_400_and_nothing_is_queued(string url)
    {
        var session = await app.NewSessionAsync();

        using var response = await session.SubmitUrlAsync(url);

        await ApiAssert.InvalidFieldAsync(response, "url");
        Assert.Empty(await session.ListAsync("/api/v1/ingest/jobs"));
    }

    [Fact]
    public async Task Url_request_without_a_url_is_400()
    {
        var session = await app.NewSessionAsync();

        using var response = await session.Client.PostAsJsonAsync("/api/v1/ingest/urls", new { });

        await ApiAssert.InvalidFieldAsync(response, "url");
    }

    [Fact]
    public async Task Upload_without_files_is_400()
    {
        var session = await app.NewSessionAsync();
        using var form = new MultipartFormDataContent { { new StringContent("not a file"), "note" } };

        using var response = await session.Client.PostAsync("/api/v1/ingest/files", form);

        await ApiAssert.InvalidFieldAsync(response, "files");
        Assert.Empty(await session.ListAsync("/api/v1/ingest/jobs"));
    }

    [Fact]
    public async Task Upload_that_is_not_multipart_is_refused_without_a_server_error()
    {
        var session = await app.NewSessionAsync();

        using var response = await session.Client.PostAsJsonAsync("/api/v1/ingest/files", new { files = "a.md" });

        await ApiAssert.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Empty(await session.ListAsync("/api/v1/ingest/jobs"));
    }

    [Fact]
    public async Task A_truncated_multipart_body_is_400_on_files_and_queues_nothing()
    {
        var session = await app.NewSessionAsync();
        var body = new StringContent("--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.md\"\r\n\r\n# Title\r\n");
        body.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");

        using var response = await session.Client.PostAsync("/api/v1/ingest/files", body);

        await ApiAssert.InvalidFieldAsync(response, "files");
        Assert.Empty(await session.ListAsync("/api/v1/ingest/jobs"));
    }

    [Fact]
    public async Task More_files_than_allowed_is_400_naming_the_limit()
    {
        var session = await app.NewSessionAsync();

        using var response = await session.UploadAsync(("1.md", "a"), ("2.md", "b"), ("3.md", "c"), ("4.md", "d"));

        var problem = await ApiAssert.InvalidFieldAsync(response, "files");
        Assert.Equal("An upload may hold at most 3 files; this one has 4.", problem.GetProperty("errors").GetProperty("files")[0].GetString());
        Assert.Empty(await session.ListAsync("/api/v1/ingest/jobs"));
    }

    [Fact]
    public async Task File_over_the_size_limit_is_413_naming_the_file_and_nothing_is_queued()
    {
        var session = await app.NewSessionAsync();

        using var response = await session.UploadAsync(("small.md", "fine"), ("big.md", new string('x', IngestHosts.MaxFileBytes + 1)));

        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("big.md is 16385 bytes; each file may be at most 16 KiB.", problem.GetProperty("detail").GetString());
        Assert.Empty(await session.ListAsync("/api/v1/ingest/jobs"));
    }

    [Fact]
    public async Task Files_over_the_total_limit_together_are_413_and_nothing_is_queued()
    {
        var session = await app.NewSessionAsync();
        var file = new string('x', 12 * 1024);

        using var response = await session.UploadAsync(("a.txt", file), ("b.txt", file), ("c.txt", file));

        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("The files total 36 KiB; an upload may hold at most 32 KiB.", problem.GetProperty("detail").GetString());
        Assert.Empty(await session.ListAsync("/api/v1/ingest/jobs"));
    }

    [Fact]
    public async Task Upload_body_over_the_endpoints_own_limit_is_413_before_it_is_read()
    {
        var session = await app.NewSessionAsync();

        using var response = await session.UploadAsync(("huge.txt", new string('x', 200 * 1024)));

        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("Request bodies may be at most 96 KB.", problem.GetProperty("detail").GetString());
        Assert.Empty(await session.ListAsync("/api/v1/ingest/jobs"));
    }

    [Fact]
    public async Task Bad_items_are_recorded_with_file_and_line_while_good_items_still_import()
    {
        var session = await app.NewSessionAsync();
        var jsonl = string.Join("\n",
            """{"content":"first","tags":["a"]}""",   // 1
            """{"content": "unterminated""",         // 2 not JSON
            "",                                        // 3 blank: skipped
            """{"tags":["no content"]}""",             // 4
            """{"content":"x","tags":"not-a-list"}""", // 5
            """{"content":"second","metadata":{"source":"crm"}}""", // 6
            """["an","array"]""",                      // 7
            """{"content":"   "}""");                  // 8

        using var response = await session.UploadBytesAsync(
            ("good.md", Encoding.UTF8.GetBytes("Title\n=====\n\nBody")),
            ("mixed.jsonl", Encoding.UTF8.GetBytes(jsonl)),
            ("picture.png", [0x89, 0x50, 0x4E, 0x47]));
        var job = await session.FinishedJobAsync(app, response);

        Assert.Equal("partial", job.GetProperty("status").GetString());
        Assert.Equal((9, 3, 6, 1, 2), (IngestClient.Count(job, "items"), IngestClient.Count(job, "succeeded"), IngestClient.Count(job, "failed"),
            IngestClient.Count(job, "knowledgeCreated"), IngestClient.Count(job, "memoriesCreated")));
        Assert.Equal(
            [
                ("mixed.jsonl", 2, "The line is not valid JSON."),
                ("mixed.jsonl", 4, "content is required."),
                ("mixed.jsonl", 5, "tags must be an array of strings."),
                ("mixed.jsonl", 7, "Each line must be a JSON object with content and optional tags."),
                ("mixed.jsonl", 8, "content must be 1 to 10000 characters."),
                ("picture.png", null, "Files of type .png are not supported; upload .txt, .md or .jsonl files."),
            ],
            IngestClient.Errors(job));
        Assert.Equal("Title", Assert.Single(await session.ListAsync("/api/v1/knowledge")).GetProperty("title").GetString());
        var memories = await session.ListAsync("/api/v1/memories");
        Assert.Equal(["second", "first"], memories.Select(m => m.GetProperty("content").GetString()));
        Assert.Equal("crm", memories[0].GetProperty("metadata").GetProperty("source").GetString());
    }

    [Fact]
    public async Task Job_keeps_the_first_hundred_errors_and_counts_every_failure()
    {
        var session = await app.NewSessionAsync();
        var lines = Enumerable.Range(1, 150).Select(i => i == 75 ? """{"content":"the good one"}""" : "not json");

        using var response = await session.UploadAsync(("many.jsonl", string.Join("\n", lines)));
        var job = await session.FinishedJobAsync(app, response);

        Assert.Equal("partial", job.GetProperty("status").GetString());
        Assert.Equal((150, 1, 149), (IngestClient.Count(job, "items"), IngestClient.Count(job, "succeeded"), IngestClient.Count(job, "failed")));
        var errors = IngestClient.Errors(job);
        Assert.Equal(100, errors.Count);
        Assert.Equal(Enumerable.Range(1, 101).Where(i => i != 75), errors.Select(e => e.Line!.Value));
    }

    [Fact]
    public async Task Empty_blank_and_binary_files_are_item_errors_and_a_job_with_nothing_imported_is_failed()
    {
        var session = await app.NewSessionAsync();

        using var response = await session.UploadBytesAsync(
            ("empty.txt", []),
            ("blank.jsonl", Encoding.UTF8.GetBytes("\n  \n")),
            ("binary.md", [0x50, 0x4B, 0x03, 0x04, 0xC3, 0x28]));
        var job = await session.FinishedJobAsync(app, response);

        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.Equal(
            [("empty.txt", null, "The file is empty."), ("blank.jsonl", null, "The file is empty."), ("binary.md", null, "The file is not UTF-8 text.")],
            IngestClient.Errors(job));
        Assert.Empty(await session.ListAsync("/api/v1/knowledge"));
    }

    [Fact]
    public async Task Document_longer_than_a_knowledge_entry_may_be_is_an_item_error()
    {
        await using var server = await LoopbackServer.StartAsync(web => web.MapGet("/long", () => Results.Text(new string('x', 100_001), "text/plain")));
        var session = await app.NewSessionAsync();

        using var response = await session.SubmitUrlAsync(server.Url("/long").AbsoluteUri);
        var job = await session.FinishedJobAsync(app, response);

        // 100,001 characters is over the 16 KiB cap first: the cap is what the user hears about.
        Assert.Equal("The URL's content is larger than 16 KiB.", Assert.Single(IngestClient.Errors(job)).Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Fetched_body_over_the_size_cap_is_an_item_error_with_or_without_a_length(bool sendLength)
    {
        var body = Encoding.UTF8.GetBytes(new string('x', IngestHosts.MaxUrlBytes + 1));
        await using var server = await LoopbackServer.StartAsync(web => web.MapGet("/big", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/plain";
            if (sendLength)
            {
                context.Response.ContentLength = body.Length;
            }

            await context.Response.Body.WriteAsync(body);
        }));
        var session = await app.NewSessionAsync();

        using var response = await session.SubmitUrlAsync(server.Url("/big").AbsoluteUri);
        var job = await session.FinishedJobAsync(app, response);

        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.Equal("The URL's content is larger than 16 KiB.", Assert.Single(IngestClient.Errors(job)).Message);
        Assert.Empty(await session.ListAsync("/api/v1/knowledge"));
    }

    [Fact]
    public async Task Fetched_body_at_the_size_cap_is_imported()
    {
        await using var server = await LoopbackServer.StartAsync(web => web.MapGet("/exact", () => Results.Text(new string('x', IngestHosts.MaxUrlBytes), "text/plain")));
        var session = await app.NewSessionAsync();

        using var response = await session.SubmitUrlAsync(server.Url("/exact").AbsoluteUri);
        var job = await session.FinishedJobAsync(app, response);

        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        // Plain text without a heading is titled by where it came from.
        Assert.Equal("127.0.0.1/exact", Assert.Single(await session.ListAsync("/api/v1/knowledge")).GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("/missing", "The URL answered 404 Not Found.")]
    [InlineData("/image", "The URL serves image/png; only HTML, Markdown and plain text can be imported.")]
    [InlineData("/loop", "The URL redirected more than 3 times, or to a location that cannot be followed.")]
    [InlineData("/ftp", "The URL redirected to a scheme other than http or https.")]
    [InlineData("/empty", "There is no text to import.")]
    public async Task Unusable_answers_are_item_errors(string path, string message)
    {
        await using var server = await LoopbackServer.StartAsync(web =>
        {
            web.MapGet("/image", () => Results.Bytes([0x89, 0x50], "image/png"));
            web.MapGet("/loop", () => Results.Redirect("/loop"));
            // The handler follows a redirect from http to another scheme (only https to http is
            // blocked); what came back from there is not imported.
            web.MapGet("/ftp", (HttpContext context) => Results.Redirect($"ftp://127.0.0.1:{context.Connection.LocalPort}/file.txt"));
            web.MapGet("/file.txt", () => Results.Text("served over ftp?", "text/plain"));
            web.MapGet("/empty", () => Results.Content("<html><head><title>Nothing</title><script>x()</script></head><body> </body></html>", "text/html"));
        });
        var session = await app.NewSessionAsync();

        using var response = await session.SubmitUrlAsync(server.Url(path).AbsoluteUri);
        var job = await session.FinishedJobAsync(app, response);

        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.Equal(message, Assert.Single(IngestClient.Errors(job)).Message);
    }

    public sealed class OnSqlite(AppFixture<OnSqlite> fixture) : IngestValidationTests(fixture.App), IClassFixture<AppFixture<OnSqlite>>, ITestHost
    {
        public static TestHostOptions Options => IngestHosts.Worker;
    }

    public sealed class OnPostgres(AppFixture<OnPostgres> fixture) : IngestValidationTests(fixture.App), IClassFixture<AppFixture<OnPostgres>>, ITestHost
    {
        public static TestHostOptions Options => IngestHosts.Worker.OnPostgres();
    }
}
