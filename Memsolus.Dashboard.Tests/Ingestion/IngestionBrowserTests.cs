using System.Text;
using System.Text.RegularExpressions;
using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Ingestion;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.Ingestion;

// The Ingestion page in Chromium against an app with the real worker (IngestHosts.Worker, so URLs
// on 127.0.0.1 may be fetched, and its small limits): files in through the file input, a drop and
// the keyboard; a URL from a local server; jobs finishing on screen without a reload; a JSONL line
// the worker refused in the job's dialog; test mode; accessibility and every window's width. The
// path through the screen to a finished job runs on both providers.
public abstract class IngestionBrowserTests(BrowserFixture browser, MemsolusAppFactory app)
{
    private const string Markdown = "# Getting started\n\nInstall the agent, then add a key.\n";
    private const string Facts = "{\"content\":\"Prefers tea\",\"tags\":[\"drinks\"]}\n{\"content\":\"Lives in Lisbon\"}\n";

    [Fact]
    public async Task Markdown_and_jsonl_chosen_in_the_file_input_become_a_job_that_finishes_on_screen_without_a_reload()
    {
        var (page, owner) = await OpenAsync("ingest-files");
        await MarkPageAsync(page);

        await page.Locator("#ingest-files").SetInputFilesAsync([File("guide.md", Markdown), File("facts.jsonl", Facts)]);
        await Assertions.Expect(page.GetByTestId("chosen-files").Locator("li")).ToHaveTextAsync([$"guide.md ({Markdown.Length} bytes)", $"facts.jsonl ({Facts.Length} bytes)"]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload files" }).ClickAsync();

        var row = JobRows(page);
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(BrowserFlows.Cell(row, "Status")).ToHaveTextAsync("Succeeded");
        await Assertions.Expect(BrowserFlows.Cell(row, "Progress")).ToHaveTextAsync("3 records");
        await Assertions.Expect(BrowserFlows.Cell(row, "Imported")).ToHaveTextAsync("1 knowledge entry, 2 memories");
        await Assertions.Expect(BrowserFlows.Cell(row, "Errors")).ToHaveTextAsync("0");
        await Assertions.Expect(BrowserFlows.Cell(row, "Kind")).ToHaveTextAsync("Files");
        Assert.True(await IsSamePageAsync(page), "The page was reloaded.");

        // What the screen made is the owner's live data, as the API shows it.
        var session = await app.NewSessionAsync(owner, environment: ApiKeyEnvironment.Live);
        Assert.Single(await session.ListAsync("/api/v1/knowledge"));
        Assert.Equal(2, (await session.ListAsync("/api/v1/memories")).Count);
        PageProblems.AssertNone(page, "uploading files on the Ingestion page");
    }

    private static FilePayload File(string name, string text) =>
        new() { Name = name, MimeType = "application/octet-stream", Buffer = Encoding.UTF8.GetBytes(text) };

    private static ILocator JobRows(IPage page) =>
        page.Locator(".job-table tbody tr").Filter(new() { Has = page.Locator("td[data-label='Status']") });

    // Marks the document, so a test can tell a live update from a reload (which would drop the mark).
    private static Task MarkPageAsync(IPage page) => page.EvaluateAsync("() => { window.ingestionPageMark = true; }");

    private static Task<bool> IsSamePageAsync(IPage page) => page.EvaluateAsync<bool>("() => window.ingestionPageMark === true");

    // A fresh owner signed in on the Ingestion page, once its circuit is live.
    private protected async Task<(IPage Page, AuditActor Owner)> OpenAsync(string prefix, int width = 1366)
    {
        var owner = await app.NewOwnerAsync(prefix);
        var page = await browser.NewPageAsync(app.KestrelAddress);
        await page.SetViewportSizeAsync(width, 900);
        await BrowserSession.LogInAsync(page, owner.UserName!, TestAccounts.Password);
        await Assertions.Expect(page.GetByTestId("signed-in-account")).ToHaveTextAsync(owner.UserName!);
        await GoToIngestionAsync(page);
        return (page, owner);
    }

    // Tab to the file input and press Space, as a keyboard user opens the picker. On a loaded CI
    // machine Chromium once let such a keypress pass without a picker (15 s waited, the input
    // focused and enabled); a person would press again, so the test does too, at most three
    // times: a key that never opens the picker still fails.
    private protected static async Task<IFileChooser> OpenFileChooserByKeyboardAsync(IPage page, ILocator input)
    {
        for (var attempt = 1; ; attempt++)
        {
            await BrowserFlows.TabToAsync(page, input);
            try
            {
                return await page.RunAndWaitForFileChooserAsync(() => page.Keyboard.PressAsync("Space"), new() { Timeout = 10_000 });
            }
            catch (System.TimeoutException) when (attempt < 3)
            {
            }
        }
    }

    private protected static async Task GoToIngestionAsync(IPage page)
    {
        await page.GotoAsync("/ingest");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Ingestion", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=test-mode-switch][data-circuit=live]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#ingest-files")).ToBeEnabledAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Import from URL" })).ToBeEnabledAsync();
    }

    [Collection(BrowserCollection.Name)]
    public sealed class OnSqlite(BrowserFixture browser, AppFixture<OnSqlite> fixture)
        : IngestionBrowserTests(browser, fixture.App), IClassFixture<AppFixture<OnSqlite>>, ITestHost
    {
        private readonly MemsolusAppFactory app = fixture.App;

        public static TestHostOptions Options => IngestHosts.Worker with { Kestrel = true };

        [Fact]
        public async Task A_jsonl_line_the_worker_refuses_shows_in_the_jobs_dialog_with_file_line_and_reason()
        {
            var (page, _) = await OpenAsync("ingest-bad-line");

            await page.Locator("#ingest-files").SetInputFilesAsync([File("facts.jsonl", "{\"content\":\"Prefers tea\"}\nnot json\n{\"content\":\"Lives in Lisbon\"}\n")]);
            await page.GetByRole(AriaRole.Button, new() { Name = "Upload files" }).ClickAsync();

            var row = JobRows(page);
            await Assertions.Expect(BrowserFlows.Cell(row, "Status")).ToHaveTextAsync("Partly imported");
            await Assertions.Expect(BrowserFlows.Cell(row, "Errors")).ToHaveTextAsync("1");
            await row.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Details of upload of ") }).ClickAsync();

            var dialog = page.GetByRole(AriaRole.Dialog);
            var error = dialog.Locator("[data-testid=job-errors] tbody tr");
            await Assertions.Expect(error).ToHaveCountAsync(1);
            await Assertions.Expect(BrowserFlows.Cell(error, "File")).ToHaveTextAsync("facts.jsonl");
            await Assertions.Expect(BrowserFlows.Cell(error, "Line")).ToHaveTextAsync("2");
            await Assertions.Expect(BrowserFlows.Cell(error, "Reason")).ToHaveTextAsync("The line is not valid JSON.");
            await Assertions.Expect(dialog.GetByTestId("job-records")).ToHaveTextAsync("3 records: 2 imported, 1 failed");
            await Accessibility.AssertNoSeriousViolationsAsync(page, "the ingestion job dialog");

            await dialog.GetByRole(AriaRole.Button, new() { Name = "Close", Exact = true }).ClickAsync();
            await Assertions.Expect(dialog).ToHaveCountAsync(0);
        }

        [Fact]
        public async Task Files_dropped_on_the_zone_are_chosen_as_if_picked_and_a_refused_type_uploads_nothing()
        {
            var (page, owner) = await OpenAsync("ingest-drop");

            await DropAsync(page, ("notes.md", "# Notes\nbody"), ("report.pdf", "%PDF-1.7"));

            await Assertions.Expect(page.GetByTestId("upload-refused")).ToHaveTextAsync(
                "Nothing was uploaded: report.pdf is not a .txt, .md or .jsonl file, the types that can be imported.");
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Upload files" })).ToBeDisabledAsync();
            await Assertions.Expect(page.GetByTestId("empty-state")).ToBeVisibleAsync();
            await Accessibility.AssertNoSeriousViolationsAsync(page, "the Ingestion page refusing a dropped file");

            await DropAsync(page, ("notes.md", "# Notes\nbody"));
            await Assertions.Expect(page.GetByTestId("upload-refused")).ToHaveCountAsync(0);
            await page.GetByRole(AriaRole.Button, new() { Name = "Upload files" }).ClickAsync();
            await Assertions.Expect(BrowserFlows.Cell(JobRows(page), "Status")).ToHaveTextAsync("Succeeded");
            await Assertions.Expect(BrowserFlows.Cell(JobRows(page), "Imported")).ToHaveTextAsync("1 knowledge entry, 0 memories");
            var session = await app.NewSessionAsync(owner, environment: ApiKeyEnvironment.Live);
            Assert.Equal("Notes", Assert.Single(await session.ListAsync("/api/v1/knowledge")).GetProperty("title").GetString());
        }

        [Fact]
        public async Task A_file_over_the_limit_is_refused_by_name_before_anything_is_sent()
        {
            var (page, owner) = await OpenAsync("ingest-too-big");

            await page.Locator("#ingest-files").SetInputFilesAsync([File("big.md", new string('x', IngestHosts.MaxFileBytes + 1))]);

            await Assertions.Expect(page.GetByTestId("upload-refused")).ToHaveTextAsync("Nothing was uploaded: big.md is 16385 bytes; each file may be at most 16 KiB.");
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Upload files" })).ToBeDisabledAsync();
            await Assertions.Expect(page.GetByTestId("upload-limits")).ToHaveTextAsync("Up to 3 files (.txt, .md or .jsonl), at most 16 KiB each and 32 KiB together.");
            var session = await app.NewSessionAsync(owner, environment: ApiKeyEnvironment.Live);
            Assert.Empty(await session.ListAsync("/api/v1/ingest/jobs"));
        }

        [Fact]
        public async Task A_url_served_locally_is_imported_and_its_job_finishes_on_screen()
        {
            await using var server = await LoopbackServer.StartAsync(web => web.MapGet("/docs/refunds", () => Results.Content(
                "<!DOCTYPE html><html><head><title>Refund policy</title></head><body><p>Refunds within 30 days.</p></body></html>", "text/html; charset=utf-8")));
            var (page, owner) = await OpenAsync("ingest-url");
            var url = server.Url("/docs/refunds").AbsoluteUri;

            await page.GetByLabel("URL", new() { Exact = true }).FillAsync(url);
            await page.GetByRole(AriaRole.Button, new() { Name = "Import from URL" }).ClickAsync();

            var row = JobRows(page);
            await Assertions.Expect(BrowserFlows.Cell(row, "Source")).ToHaveTextAsync(url);
            await Assertions.Expect(BrowserFlows.Cell(row, "Kind")).ToHaveTextAsync("URL");
            await Assertions.Expect(BrowserFlows.Cell(row, "Status")).ToHaveTextAsync("Succeeded");
            await Assertions.Expect(BrowserFlows.Cell(row, "Imported")).ToHaveTextAsync("1 knowledge entry, 0 memories");
            await Assertions.Expect(page.GetByLabel("URL", new() { Exact = true })).ToHaveValueAsync("");
            var session = await app.NewSessionAsync(owner, environment: ApiKeyEnvironment.Live);
            Assert.Equal("Refund policy", Assert.Single(await session.ListAsync("/api/v1/knowledge")).GetProperty("title").GetString());
        }

        [Fact]
        public async Task A_url_that_is_not_http_is_refused_under_the_field_and_makes_no_job()
        {
            var (page, owner) = await OpenAsync("ingest-bad-url");

            await page.GetByLabel("URL", new() { Exact = true }).FillAsync("file:///etc/passwd");
            await page.GetByRole(AriaRole.Button, new() { Name = "Import from URL" }).ClickAsync();

            await Assertions.Expect(page.GetByText("URL must be an absolute http or https URL.")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("empty-state")).ToBeVisibleAsync();
            var session = await app.NewSessionAsync(owner, environment: ApiKeyEnvironment.Live);
            Assert.Empty(await session.ListAsync("/api/v1/ingest/jobs"));
            PageProblems.AssertNone(page, "refusing a URL");
        }

        [Fact]
        public async Task Keyboard_alone_chooses_and_uploads_a_file_imports_a_url_and_opens_a_job()
        {
            await using var server = await LoopbackServer.StartAsync(web => web.MapGet("/notes.md", () => Results.Text("# Release notes\n\n- Fixed bugs", "text/markdown")));
            var (page, _) = await OpenAsync("ingest-keyboard");

            var input = page.Locator("#ingest-files");
            var chooser = await OpenFileChooserByKeyboardAsync(page, input);
            await chooser.SetFilesAsync([File("guide.md", Markdown)]);
            await Assertions.Expect(page.GetByTestId("chosen-files")).ToHaveTextAsync($"guide.md ({Markdown.Length} bytes)");
            var upload = page.GetByRole(AriaRole.Button, new() { Name = "Upload files" });
            await Assertions.Expect(upload).ToBeEnabledAsync();
            await BrowserFlows.TabToAsync(page, upload);
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(BrowserFlows.Cell(JobRows(page), "Status")).ToHaveTextAsync("Succeeded");

            var field = page.GetByLabel("URL", new() { Exact = true });
            await BrowserFlows.TabToAsync(page, field);
            await page.Keyboard.TypeAsync(server.Url("/notes.md").AbsoluteUri);
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(JobRows(page)).ToHaveCountAsync(2);
            await Assertions.Expect(BrowserFlows.Cell(JobRows(page).First, "Status")).ToHaveTextAsync("Succeeded");

            var details = JobRows(page).First.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Details of import of ") });
            await BrowserFlows.TabToAsync(page, details);
            await page.Keyboard.PressAsync("Enter");
            var dialog = page.GetByRole(AriaRole.Dialog);
            await Assertions.Expect(dialog.GetByTestId("no-errors")).ToHaveTextAsync("No errors: every record was imported.");
            await BrowserFlows.CloseDialogByEscapeAsync(page);
            PageProblems.AssertNone(page, "the Ingestion page by keyboard");
        }

        [Fact]
        public async Task Test_mode_shows_only_the_test_environments_jobs()
        {
            var (page, owner) = await OpenAsync("ingest-test-mode");
            var store = app.Services.GetRequiredService<IngestJobStore>();
            await store.CreateUrlJobAsync(new ApiCaller(owner.UserId, ApiKeyEnvironment.Live, Guid.Empty), "http://127.0.0.1:9/live-page", CancellationToken.None);
            await store.CreateUrlJobAsync(new ApiCaller(owner.UserId, ApiKeyEnvironment.Test, Guid.Empty), "http://127.0.0.1:9/test-page", CancellationToken.None);
            await GoToIngestionAsync(page);
            await Assertions.Expect(BrowserFlows.Cell(JobRows(page), "Source")).ToHaveTextAsync(["http://127.0.0.1:9/live-page"]);

            await page.GetByTestId("test-mode-switch").ClickAsync();

            await Assertions.Expect(page.GetByTestId("test-data-marker")).ToBeVisibleAsync();
            await Assertions.Expect(BrowserFlows.Cell(JobRows(page), "Source")).ToHaveTextAsync(["http://127.0.0.1:9/test-page"]);

            // And after a reload, from the cookie.
            await GoToIngestionAsync(page);
            await Assertions.Expect(BrowserFlows.Cell(JobRows(page), "Source")).ToHaveTextAsync(["http://127.0.0.1:9/test-page"]);
            PageProblems.AssertNone(page, "test mode on the Ingestion page");
        }

        [Theory]
        [InlineData(390)]
        [InlineData(768)]
        [InlineData(1366)]
        [InlineData(1920)]
        public async Task The_page_and_its_dialog_fit_the_window_and_pass_axe(int width)
        {
            var (page, owner) = await OpenAsync($"ingest-fit-{width}", width);
            await BrowserFlows.SettledAsync(page);
            await Accessibility.AssertNoSeriousViolationsAsync(page, $"the empty Ingestion page at {width} px");
            await BrowserFlows.AssertFitsAsync(page, $"the empty Ingestion page at {width} px");

            // A long URL and a job with errors: what widens a table.
            var store = app.Services.GetRequiredService<IngestJobStore>();
            var longUrl = "http://127.0.0.1:9/" + string.Join("/", Enumerable.Repeat("a-rather-long-path-segment-without-spaces", 8));
            var caller = new ApiCaller(owner.UserId, ApiKeyEnvironment.Live, Guid.Empty);
            await store.CreateUrlJobAsync(caller, longUrl, CancellationToken.None);
            await GoToIngestionAsync(page);
            await Assertions.Expect(BrowserFlows.Cell(JobRows(page), "Status")).ToHaveTextAsync("Failed");
            await Accessibility.AssertNoSeriousViolationsAsync(page, $"the Ingestion page with a job at {width} px");
            await BrowserFlows.AssertFitsAsync(page, $"the Ingestion page with a job at {width} px");

            await JobRows(page).GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Details of import of ") }).ClickAsync();
            var dialog = page.GetByRole(AriaRole.Dialog);
            await Assertions.Expect(dialog.Locator("[data-testid=job-errors] tbody tr")).ToHaveCountAsync(1);
            await Accessibility.AssertNoSeriousViolationsAsync(page, $"the ingestion job dialog at {width} px");
            await BrowserFlows.AssertFitsAsync(page, $"the ingestion job dialog at {width} px");
        }

        // Drops files on the zone as a drag from the desktop would: a drop event carrying them.
        private static async Task DropAsync(IPage page, params (string Name, string Text)[] files)
        {
            var transfer = await page.EvaluateHandleAsync(
                """
                files => {
                    const transfer = new DataTransfer();
                    for (const [name, text] of files) {
                        transfer.items.add(new File([text], name));
                    }
                    return transfer;
                }
                """,
                files.Select(f => new[] { f.Name, f.Text }).ToArray());
            await page.GetByTestId("drop-zone").DispatchEventAsync("dragenter", new { dataTransfer = transfer });
            await page.GetByTestId("drop-zone").DispatchEventAsync("drop", new { dataTransfer = transfer });
        }
    }

    [Collection(BrowserCollection.Name)]
    public sealed class OnPostgres(BrowserFixture browser, AppFixture<OnPostgres> fixture)
        : IngestionBrowserTests(browser, fixture.App), IClassFixture<AppFixture<OnPostgres>>, ITestHost
    {
        public static TestHostOptions Options => IngestHosts.Worker.OnPostgres() with { Kestrel = true };
    }
}
