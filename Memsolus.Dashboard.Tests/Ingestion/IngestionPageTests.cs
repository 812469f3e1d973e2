using System.Text;
using AngleSharp.Dom;
using Bunit;
using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Components.Layout;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Ingestion;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Memsolus.Dashboard.Tests.Ingestion;

// The Ingestion page over the real IngestJobStore (no worker: a test sets a job's state in the
// database as the worker would): its states, the upload checks that refuse before any job is made,
// the URL check, live progress on the page's timer, a job's errors, and test mode.
public sealed class IngestionPageTests : BunitTestContext
{
    private const int MaxFiles = 3;
    private const int MaxFileBytes = 1024;
    private const int MaxTotalBytes = 2048;

    private readonly TestModeState testMode = new(on: false);
    private GatedContexts? gated;

    public IngestionPageTests()
    {
        SignIn(Owner);
        Context.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new IngestOptions
        {
            MaxFiles = MaxFiles,
            MaxFileBytes = MaxFileBytes,
            MaxTotalBytes = MaxTotalBytes,
        }));
        Context.Services.AddSingleton(_ => new IngestJobStore(Gated, Database.Clock, new IngestQueue()));
    }

    // The store's contexts, held back while a test closes the gate.
    private GatedContexts Gated => gated ??= new GatedContexts(Database.Contexts);

    private IngestJobStore Store => Context.Services.GetRequiredService<IngestJobStore>();

    [Fact]
    public void Without_jobs_the_page_explains_ingestion_and_shows_the_limits()
    {
        var page = RenderPage();

        var empty = page.WaitForElement("[data-testid=empty-state]");
        Assert.Contains("No imports yet", Text(empty));
        Assert.Contains("Ingestion turns documents you already have into live knowledge and memories", Text(empty));
        Assert.Equal("Up to 3 files (.txt, .md or .jsonl), at most 1 KiB each and 2 KiB together.", Text(page.Find("[data-testid=upload-limits]")));
        Assert.Equal(".txt,.md,.markdown,.jsonl", page.Find("input[type=file]").GetAttribute("accept"));
        Assert.True(page.Find("input[type=file]").HasAttribute("multiple"));
        Assert.True(IsDisabled(Button(page, "Upload files")));
        Assert.Empty(page.FindAll("table"));
    }

    [Fact]
    public void While_the_jobs_load_a_progress_bar_shows_them_loading()
    {
        Gated.Close();

        var page = RenderPage();

        page.WaitForElement("[data-testid=jobs-loading]");
        Assert.Empty(page.FindAll("[data-testid=empty-state]"));

        Gated.Open();
        page.WaitForElement("[data-testid=empty-state]");
        Assert.Empty(page.FindAll("[data-testid=jobs-loading]"));
    }

    [Fact]
    public async Task When_the_jobs_cannot_be_loaded_the_page_says_so_and_Try_again_loads_them()
    {
        await NewUploadJobAsync();
        Database.Contexts.Unavailable = true;

        var page = RenderPage();

        var error = page.WaitForElement("[data-testid=jobs-error]");
        Assert.Equal("The ingestion jobs could not be loaded. Try again in a moment.", Text(error));
        Assert.Empty(page.FindAll("table"));

        Database.Contexts.Unavailable = false;
        Button(page, "Try again").Click();

        page.WaitForAssertion(() => Assert.Single(BodyRows(page)));
        Assert.Empty(page.FindAll("[data-testid=jobs-error]"));
    }

    [Fact]
    public async Task A_running_job_shows_its_progress_and_counts_and_moves_on_without_reloading()
    {
        var job = await NewUploadJobAsync();
        await SetAsync(job.Id, j =>
        {
            j.Status = IngestJobStatus.Running;
            j.Items = 3;
            j.Succeeded = 2;
            j.Failed = 1;
            j.KnowledgeCreated = 1;
            j.MemoriesCreated = 1;
        });

        var page = RenderPage();

        var row = page.WaitForElement("tbody tr td[data-label=Kind]").Closest("tr")!;
        Assert.Equal("Files", Cell(row, "Kind"));
        Assert.Equal("Uploaded files", Cell(row, "Source"));
        Assert.Equal("just now (2026-03-10 09:30 UTC)", Cell(row, "Created"));
        Assert.Equal("Running", Cell(row, "Status"));
        Assert.Equal("3 records so far", Cell(row, "Progress"));
        Assert.NotNull(row.QuerySelector("td[data-label=Progress] .mud-progress-linear"));
        Assert.Equal("1 knowledge entry, 1 memory", Cell(row, "Imported"));
        Assert.Equal("1", Cell(row, "Errors"));

        // The worker goes on; the page reads the job again on its timer, not on a reload.
        await SetAsync(job.Id, j =>
        {
            j.Status = IngestJobStatus.Partial;
            j.Items = 5;
            j.Succeeded = 4;
            j.MemoriesCreated = 3;
            j.CompletedAt = Clock.GetUtcNow();
        });
        Clock.Advance(IngestionPage.PollInterval);

        page.WaitForAssertion(() => Assert.Equal("Partly imported", Cell(Row(page), "Status")));
        Assert.Equal("5 records", Cell(Row(page), "Progress"));
        Assert.Null(Row(page).QuerySelector("td[data-label=Progress] .mud-progress-linear"));
        Assert.Equal("1 knowledge entry, 3 memories", Cell(Row(page), "Imported"));

        // Nothing is left to follow: the timer stops, and the database is not read again.
        var served = Database.Contexts.Served;
        Clock.Advance(IngestionPage.PollInterval * 5);
        Assert.Equal(served, Database.Contexts.Served);
    }

    [Fact]
    public async Task Leaving_the_page_stops_its_timer()
    {
        await NewUploadJobAsync();
        var page = RenderPage();
        page.WaitForAssertion(() => Assert.Equal("Queued", Cell(Row(page), "Status")));
        Assert.Equal("Waiting to start", Cell(Row(page), "Progress"));
        var polled = Database.Contexts.Served;
        Clock.Advance(IngestionPage.PollInterval);
        page.WaitForAssertion(() => Assert.True(Database.Contexts.Served > polled, "A queued job is read again on the timer."));

        await Context.DisposeComponentsAsync();
        var served = Database.Contexts.Served;
        Clock.Advance(IngestionPage.PollInterval * 5);

        Assert.Equal(served, Database.Contexts.Served);
    }

    [Fact]
    public async Task A_failed_url_job_shows_Failed_and_its_reason_in_its_details()
    {
        var job = await Store.CreateUrlJobAsync(Caller(), "http://127.0.0.1:9/secret", CancellationToken.None);
        await SetAsync(job.Id, j =>
        {
            j.Status = IngestJobStatus.Failed;
            j.Items = 1;
            j.Failed = 1;
            j.CompletedAt = Clock.GetUtcNow();
        }, ("http://127.0.0.1:9/secret", null, "Refused to connect to 127.0.0.1: it resolves only to loopback, private, link-local or metadata addresses."));
        var dialogs = RenderDialogProvider();

        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Equal("Failed", Cell(Row(page), "Status")));
        Assert.Equal("URL", Cell(Row(page), "Kind"));
        Assert.Equal("http://127.0.0.1:9/secret", Cell(Row(page), "Source"));
        Row(page).QuerySelectorAll("button").Single(b => Text(b) == "Details").Click();

        var dialog = dialogs.WaitForElement("[role=dialog]");
        dialogs.WaitForAssertion(() => Assert.Single(BodyRows(dialogs)));
        var error = BodyRows(dialogs).Single();
        Assert.Equal("http://127.0.0.1:9/secret", Text(error.QuerySelector("td[data-label=URL]")!));
        Assert.Equal("—", Text(error.QuerySelector("td[data-label=Line]")!));
        Assert.Equal("Refused to connect to 127.0.0.1: it resolves only to loopback, private, link-local or metadata addresses.", Text(error.QuerySelector("td[data-label=Reason]")!));
        Assert.Contains("Failed", Text(dialog));
    }

    [Fact]
    public async Task A_jobs_item_errors_show_file_line_and_reason_ten_to_a_page()
    {
        var job = await NewUploadJobAsync();
        var errors = Enumerable.Range(1, 25).Select(line => ("facts.jsonl", (int?)line, $"Line {line} is not a JSON object.")).ToArray();
        await SetAsync(job.Id, j =>
        {
            j.Status = IngestJobStatus.Partial;
            j.Items = 30;
            j.Succeeded = 5;
            j.Failed = 25;
            j.MemoriesCreated = 5;
            j.CompletedAt = Clock.GetUtcNow();
        }, errors);
        var dialogs = RenderDialogProvider();
        var page = RenderPage();
        page.WaitForAssertion(() => Assert.Equal("25", Cell(Row(page), "Errors")));

        Row(page).QuerySelectorAll("button").Single(b => Text(b) == "Details").Click();

        dialogs.WaitForAssertion(() => Assert.Equal(10, BodyRows(dialogs).Count));
        var first = BodyRows(dialogs)[0];
        Assert.Equal(("facts.jsonl", "1", "Line 1 is not a JSON object."), (
            Text(first.QuerySelector("td[data-label=File]")!),
            Text(first.QuerySelector("td[data-label=Line]")!),
            Text(first.QuerySelector("td[data-label=Reason]")!)));
        Assert.Contains("1–10 of 25", Text(dialogs.Find(".mud-table-pagination")));
        Assert.Equal("30 records: 5 imported, 25 failed", Text(dialogs.Find("[data-testid=job-records]")));

        dialogs.Find("button[aria-label='Next page']").Click();
        dialogs.WaitForAssertion(() => Assert.Equal("11", Text(BodyRows(dialogs)[0].QuerySelector("td[data-label=Line]")!)));
    }

    [Fact]
    public async Task A_file_larger_than_the_limit_is_refused_by_name_and_no_job_is_made()
    {
        var page = RenderPage();
        page.WaitForElement("[data-testid=empty-state]");

        Choose(page, ("notes.md", new string('a', 100)), ("big.md", new string('b', MaxFileBytes + 1)));

        var refused = page.WaitForElement("[data-testid=upload-refused]");
        Assert.Equal("Nothing was uploaded: big.md is 1025 bytes; each file may be at most 1 KiB.", Text(refused));
        Assert.True(IsDisabled(Button(page, "Upload files")));
        Assert.Empty((await ListAsync()).Data);
    }

    [Fact]
    public async Task A_file_of_a_type_that_cannot_be_imported_is_refused_by_name_and_no_job_is_made()
    {
        var page = RenderPage();
        page.WaitForElement("[data-testid=empty-state]");

        Choose(page, ("notes.md", "# Notes"), ("report.pdf", "%PDF-1.7"));

        Assert.Equal(
            "Nothing was uploaded: report.pdf is not a .txt, .md or .jsonl file, the types that can be imported.",
            Text(page.WaitForElement("[data-testid=upload-refused]")));
        Assert.True(IsDisabled(Button(page, "Upload files")));
        Assert.Empty((await ListAsync()).Data);

        // The picker cancelled after that choice: nothing is chosen, and nothing is refused either.
        // (bUnit uploads at least one file, so the input's empty change is raised as the input would.)
        var input = page.FindComponent<InputFile>().Instance;
        await page.InvokeAsync(() => input.OnChange.InvokeAsync(new InputFileChangeEventArgs([])));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=upload-refused]")));
        Assert.Empty(page.FindAll("[data-testid=chosen-files]"));
        Assert.True(IsDisabled(Button(page, "Upload files")));
    }

    [Fact]
    public async Task More_files_than_allowed_or_too_much_together_is_refused_and_no_job_is_made()
    {
        var page = RenderPage();
        page.WaitForElement("[data-testid=empty-state]");

        Choose(page, ("a.md", "a"), ("b.md", "b"), ("c.md", "c"), ("d.md", "d"));
        Assert.Equal("Nothing was uploaded: An upload may hold at most 3 files; this one has 4.", Text(page.WaitForElement("[data-testid=upload-refused]")));
        Assert.True(IsDisabled(Button(page, "Upload files")));

        Choose(page, ("a.md", new string('a', 1000)), ("b.md", new string('b', 1000)), ("c.md", new string('c', 1000)));
        page.WaitForAssertion(() => Assert.Equal(
            "Nothing was uploaded: The files total 3000 bytes; an upload may hold at most 2 KiB.",
            Text(page.Find("[data-testid=upload-refused]"))));
        Assert.True(IsDisabled(Button(page, "Upload files")));
        Assert.Empty((await ListAsync()).Data);
    }

    [Fact]
    public async Task Files_within_the_limits_become_one_queued_job_of_the_owner_shown_at_once()
    {
        var page = RenderPage();
        page.WaitForElement("[data-testid=empty-state]");

        Choose(page, ("guide.md", "# Guide\nbody"), ("facts.jsonl", "{\"content\":\"Prefers tea\"}\n"));
        Assert.Equal(["guide.md (12 bytes)", "facts.jsonl (26 bytes)"], page.FindAll("[data-testid=chosen-files] li").Select(Text));
        Assert.Empty(page.FindAll("[data-testid=upload-refused]"));
        Button(page, "Upload files").Click();

        page.WaitForAssertion(() => Assert.Equal("Queued", Cell(Row(page), "Status")));
        var job = Assert.Single((await ListAsync()).Data);
        Assert.Equal(("files", "queued"), (job.Kind, job.Status));
        await using var db = Database.CreateContext();
        var stored = await db.IngestJobs.AsNoTracking().SingleAsync(j => j.Id == job.Id);
        Assert.Equal((Owner.UserId, ApiKeyEnvironment.Live, Guid.Empty), (stored.OwnerId, stored.Environment, stored.KeyId));
        Assert.Equal(
            [("guide.md", "# Guide\nbody"), ("facts.jsonl", "{\"content\":\"Prefers tea\"}\n")],
            (await db.IngestItems.AsNoTracking().Where(i => i.JobSequence == stored.Sequence).OrderBy(i => i.Sequence).ToListAsync())
                .Select(i => (i.Name, Encoding.UTF8.GetString(i.Content!))));
        // The selection is spent: nothing is chosen for the next upload.
        Assert.Empty(page.FindAll("[data-testid=chosen-files]"));
        Assert.True(IsDisabled(Button(page, "Upload files")));
    }

    [Theory]
    [InlineData("", "URL must be 1 to 2048 characters.")]
    [InlineData("example.com/page", "URL must be an absolute http or https URL.")]
    [InlineData("ftp://example.com/notes.txt", "URL must be an absolute http or https URL.")]
    [InlineData("https://user:secret@example.com/", "URL must not contain a user name or password.")]
    public async Task A_url_the_api_would_refuse_is_refused_under_the_field_and_no_job_is_made(string url, string message)
    {
        var page = RenderPage();
        page.WaitForElement("[data-testid=empty-state]");

        Field(page, "URL").Input(url);
        page.Find("form.url-form").Submit();

        page.WaitForAssertion(() => Assert.Equal(message, FieldError(page, "URL")));
        Assert.Empty((await ListAsync()).Data);
    }

    [Fact]
    public async Task A_url_becomes_a_queued_url_job_in_its_absolute_form()
    {
        var page = RenderPage();
        page.WaitForElement("[data-testid=empty-state]");

        Field(page, "URL").Input("  https://Example.com/docs/refunds  ");
        page.Find("form.url-form").Submit();

        page.WaitForAssertion(() => Assert.Equal("https://example.com/docs/refunds", Cell(Row(page), "Source")));
        var job = Assert.Single((await ListAsync()).Data);
        Assert.Equal(("url", "https://example.com/docs/refunds"), (job.Kind, job.Url));
        Assert.Null(FieldError(page, "URL"));
    }

    [Fact]
    public async Task Jobs_show_twenty_to_a_page_newest_first_with_Older_and_Newer_jobs()
    {
        for (var i = 1; i <= 21; i++)
        {
            await Store.CreateUrlJobAsync(Caller(), $"https://example.com/page-{i}", CancellationToken.None);
            Clock.Advance(TimeSpan.FromSeconds(1));
        }

        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Equal(20, BodyRows(page).Count));
        Assert.Equal("https://example.com/page-21", Sources(page)[0]);
        Assert.DoesNotContain(page.FindAll("button"), b => Text(b) == "Newer jobs");
        Button(page, "Older jobs").Click();

        page.WaitForAssertion(() => Assert.Equal(["https://example.com/page-1"], Sources(page)));
        Assert.DoesNotContain(page.FindAll("button"), b => Text(b) == "Older jobs");
        Button(page, "Newer jobs").Click();

        page.WaitForAssertion(() => Assert.Equal(20, BodyRows(page).Count));
        Assert.Equal("https://example.com/page-21", Sources(page)[0]);
    }

    [Fact]
    public async Task Test_mode_shows_the_test_environments_jobs_only_and_switching_reloads_them()
    {
        await Store.CreateUrlJobAsync(Caller(ApiKeyEnvironment.Live), "https://example.com/live", CancellationToken.None);
        await Store.CreateUrlJobAsync(Caller(ApiKeyEnvironment.Test), "https://example.com/test", CancellationToken.None);
        await Store.CreateUrlJobAsync(new ApiCaller(OtherOwner.UserId, ApiKeyEnvironment.Test, Guid.Empty), "https://example.com/someone-else", CancellationToken.None);
        var page = RenderPage();
        page.WaitForAssertion(() => Assert.Equal(["https://example.com/live"], Sources(page)));

        await page.InvokeAsync(() => testMode.SetAsync(true));

        page.WaitForAssertion(() => Assert.Equal(["https://example.com/test"], Sources(page)));

        // What the page makes in test mode is test data.
        Field(page, "URL").Input("https://example.com/made-in-test-mode");
        page.Find("form.url-form").Submit();
        page.WaitForAssertion(() => Assert.Equal(["https://example.com/made-in-test-mode", "https://example.com/test"], Sources(page)));
        Assert.Equal(["https://example.com/made-in-test-mode", "https://example.com/test"],
            (await Store.ListAsync(Caller(ApiKeyEnvironment.Test), new PageRequest(20, null), CancellationToken.None)).Data.Select(j => j.Url));
    }

    private IRenderedComponent<IngestionPage> RenderPage() =>
        Context.Render<IngestionPage>(parameters => parameters.AddCascadingValue(testMode));

    private ApiCaller Caller(ApiKeyEnvironment environment = ApiKeyEnvironment.Live) => new(Owner.UserId, environment, Guid.Empty);

    private Task<Page<IngestJobDto>> ListAsync() => Store.ListAsync(Caller(), new PageRequest(20, null), CancellationToken.None);

    private Task<IngestJobDto> NewUploadJobAsync() =>
        Store.CreateFilesJobAsync(Caller(), [new UploadedFile("notes.md", Encoding.UTF8.GetBytes("# Notes"))], CancellationToken.None);

    // The job as the worker would leave it, with the errors it would record.
    private async Task SetAsync(Guid id, Action<IngestJob> change, params (string Item, int? Line, string Message)[] errors)
    {
        await using var db = Database.CreateContext();
        var job = await db.IngestJobs.SingleAsync(j => j.Id == id);
        change(job);
        db.IngestItemErrors.AddRange(errors.Select(e => new IngestItemError { JobSequence = job.Sequence, Item = e.Item, Line = e.Line, Message = e.Message }));
        await db.SaveChangesAsync();
    }

    private static void Choose(IRenderedComponent<IngestionPage> page, params (string Name, string Text)[] files) =>
        page.FindComponent<InputFile>().UploadFiles(files.Select(f => InputFileContent.CreateFromText(f.Text, f.Name)).ToArray());

    private static IElement Row(IRenderedComponent<IngestionPage> page) => Assert.Single(BodyRows(page));

    private static string Cell(IElement row, string column) => Text(row.QuerySelector($"td[data-label='{column}']")!);

    private static List<string> Sources(IRenderedComponent<IngestionPage> page) => BodyRows(page).Select(r => Cell(r, "Source")).ToList();

    // Hands out the database's contexts once the gate is open (it starts open).
    private sealed class GatedContexts(IDbContextFactory<ApplicationDbContext> inner) : IDbContextFactory<ApplicationDbContext>
    {
        private TaskCompletionSource gate = Opened();

        public void Close() => gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => gate.TrySetResult();

        public ApplicationDbContext CreateDbContext() => inner.CreateDbContext();

        public async Task<ApplicationDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default)
        {
            await gate.Task.WaitAsync(cancellationToken);
            return inner.CreateDbContext();
        }

        private static TaskCompletionSource Opened()
        {
            var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            opened.SetResult();
            return opened;
        }
    }
}
