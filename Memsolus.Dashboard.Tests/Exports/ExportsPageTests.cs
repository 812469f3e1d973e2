using AngleSharp.Dom;
using Bunit;
using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Components.Layout;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Exports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace Memsolus.Dashboard.Tests.Exports;

// The Exports page and its New export dialog over the real ExportStore: each state a user can meet
// (loading, a failed read, nothing yet, an export in every status), the live status while the fake
// clock moves the poll on, the dialog's rule and the owner's limit, and test mode. Exports are
// started through the store and moved to a status the way the runner leaves them.
public sealed class ExportsPageTests : BunitTestContext
{
    private readonly ExportsOptions exportOptions = new();
    private ExportStore? store;

    // What the page reads through; a test may put a gate or an outage in front of the database.
    private IDbContextFactory<ApplicationDbContext>? pageContexts;

    public ExportsPageTests()
    {
        SignIn(Owner);
        Context.Services.AddSingleton(_ => Options.Create(exportOptions));
        Context.Services.AddSingleton<ExportQueue>();
        Context.Services.AddSingleton(services => new ExportStore(
            pageContexts ?? Database.Contexts,
            NewFileStore(),
            services.GetRequiredService<ExportQueue>(),
            Options.Create(exportOptions),
            Database.Clock));
    }

    private ExportStore Store => store ??= new(Database.Contexts, NewFileStore(), new ExportQueue(), Options.Create(exportOptions), Database.Clock);

    [Fact]
    public void Without_exports_the_page_explains_what_an_export_is_and_offers_to_start_one()
    {
        var page = RenderPage();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=empty-state]")));
        var empty = page.Find("[data-testid=empty-state]");
        Assert.Equal("No exports yet", Text(empty.QuerySelector("h2")!));
        Assert.Contains("a copy of your data to keep or to move elsewhere", Text(empty), StringComparison.Ordinal);
        Assert.Contains(empty.QuerySelectorAll("button"), b => Text(b) == "New export");
        Assert.Equal("Exports", Text(page.Find("h1")));
        Assert.Contains("Up to 5 exports can be queued or running at once", Text(page.Find("[data-testid=export-limits]")), StringComparison.Ordinal);
        Assert.Contains("downloaded for 7 days", Text(page.Find("[data-testid=export-limits]")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Until_the_exports_are_read_the_page_shows_that_it_is_loading()
    {
        await ExportAsync(ExportStatus.Queued);
        var gated = new GatedContexts(Database.Contexts);
        pageContexts = gated;

        var page = RenderPage();

        Assert.Equal("Loading exports", page.Find(".mud-progress-linear").GetAttribute("aria-label"));
        Assert.Empty(BodyRows(page));
        gated.Open();
        page.WaitForAssertion(() => Assert.Single(BodyRows(page)));
        Assert.Empty(page.FindAll(".mud-progress-linear"));
    }

    [Fact]
    public async Task When_the_exports_cannot_be_read_the_page_says_so_and_tries_again_on_request()
    {
        await ExportAsync(ExportStatus.Queued);
        Database.Contexts.Unavailable = true;

        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Equal(
            "Your exports could not be loaded. Something went wrong while reading your exports.",
            Text(page.Find("[data-testid=load-error]"))));
        Assert.Equal("alert", page.Find("[data-testid=load-error]").GetAttribute("role"));
        Assert.Empty(BodyRows(page));

        Database.Contexts.Unavailable = false;
        Button(page, "Try again").Click();
        page.WaitForAssertion(() => Assert.Single(BodyRows(page)));
        Assert.Empty(page.FindAll("[data-testid=load-error]"));
    }

    [Fact]
    public async Task A_queued_and_a_running_export_show_their_status_and_nothing_to_download_yet()
    {
        await ExportAsync(ExportStatus.Queued, ExportFormat.Ndjson, ExportContents.Memories);
        Clock.Advance(TimeSpan.FromMinutes(3));
        await ExportAsync(ExportStatus.Running, ExportFormat.Json, ExportContents.Knowledge);

        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Equal(2, BodyRows(page).Count));
        var running = Row(page, 0);
        Assert.Equal("Running", Text(Cell(running, "Status")));
        Assert.Equal("JSON", Text(Cell(running, "Format")));
        Assert.Equal("Knowledge", Text(Cell(running, "Contents")));
        Assert.StartsWith("just now", Text(Cell(running, "Created")), StringComparison.Ordinal);
        var queued = Row(page, 1);
        Assert.Equal("Queued", Text(Cell(queued, "Status")));
        Assert.Equal("NDJSON", Text(Cell(queued, "Format")));
        Assert.Equal("Memories", Text(Cell(queued, "Contents")));
        Assert.StartsWith("3 minutes ago", Text(Cell(queued, "Created")), StringComparison.Ordinal);
        foreach (var row in new[] { running, queued })
        {
            Assert.Equal("—", Text(Cell(row, "Items")));
            Assert.Equal("—", Text(Cell(row, "Size")));
            Assert.Equal("—", Text(Cell(row, "Download until")));
            Assert.Empty(row.QuerySelectorAll("a"));
        }
    }

    [Fact]
    public async Task A_succeeded_export_shows_its_counts_its_size_when_it_expires_and_a_download_link_of_the_dashboards()
    {
        var id = await ExportAsync(ExportStatus.Succeeded, sizeBytes: 1_536_000);

        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Single(BodyRows(page)));
        var row = Row(page, 0);
        Assert.Equal("Succeeded", Text(Cell(row, "Status")));
        Assert.Equal("Memories and knowledge", Text(Cell(row, "Contents")));
        Assert.Equal("3 memories, 2 knowledge entries", Text(Cell(row, "Items")));
        Assert.Equal("1.5 MiB", Text(Cell(row, "Size")));
        Assert.Equal("1,536,000 bytes", Cell(row, "Size").QuerySelector("span")!.GetAttribute("title"));
        var expiry = Cell(row, "Download until");
        Assert.StartsWith("in 7 days", Text(expiry), StringComparison.Ordinal);
        Assert.Equal("2026-03-17 09:30 UTC", Text(expiry.QuerySelector(".mud-typography")!));
        var download = row.QuerySelector("a")!;
        Assert.Equal("Download", Text(download));
        Assert.Equal($"exports/{id}/download", download.GetAttribute("href"));
        Assert.Equal("memsolus-export-live-20260310-0930.json", download.GetAttribute("download"));
        Assert.Equal("Download memsolus-export-live-20260310-0930.json", download.GetAttribute("aria-label"));
    }

    [Fact]
    public async Task A_failed_export_shows_why_and_offers_no_download()
    {
        await ExportAsync(ExportStatus.Failed);

        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Single(BodyRows(page)));
        var row = Row(page, 0);
        Assert.Equal("Failed", Text(row.QuerySelector("[data-testid=export-status]")!));
        Assert.Equal(ExportRunner.WriteFailedError, Text(row.QuerySelector("[data-testid=export-error]")!));
        Assert.Empty(row.QuerySelectorAll("a"));
        Assert.Equal("—", Text(Cell(row, "Download until")));
    }

    [Fact]
    public async Task An_export_past_its_expiry_is_expired_with_when_and_offers_no_download()
    {
        await ExportAsync(ExportStatus.Succeeded);
        Clock.Advance(exportOptions.Retention + TimeSpan.FromHours(2));

        var page = RenderPage();

        page.WaitForAssertion(() => Assert.Single(BodyRows(page)));
        var row = Row(page, 0);
        Assert.Equal("Expired", Text(row.QuerySelector("[data-testid=export-status]")!));
        Assert.StartsWith("Expired 2 hours ago", Text(Cell(row, "Download until")), StringComparison.Ordinal);
        Assert.Empty(row.QuerySelectorAll("a"));
    }

    [Fact]
    public async Task A_running_export_turns_succeeded_on_the_page_without_a_reload_and_then_the_page_stops_asking()
    {
        var id = await ExportAsync(ExportStatus.Running);
        var page = RenderPage();
        page.WaitForAssertion(() => Assert.Equal("Running", Text(Row(page, 0).QuerySelector("[data-testid=export-status]")!)));

        await MoveAsync(id, ExportStatus.Succeeded);
        Clock.Advance(ExportsPage.PollInterval);

        page.WaitForAssertion(() => Assert.Equal("Succeeded", Text(Row(page, 0).QuerySelector("[data-testid=export-status]")!)));
        Assert.Equal("Download", Text(Row(page, 0).QuerySelector("a")!));
        Assert.Equal("Export memsolus-export-live-20260310-0930.json succeeded.", Text(page.Find("[data-testid=export-announcement]")));

        // Nothing is pending any more: the page reads the database no more.
        var served = Database.Contexts.Served;
        Clock.Advance(ExportsPage.PollInterval * 5);
        Assert.Equal(served, Database.Contexts.Served);
    }

    [Fact]
    public async Task A_page_that_is_gone_stops_asking()
    {
        await ExportAsync(ExportStatus.Queued);
        var page = RenderPage();
        page.WaitForAssertion(() => Assert.Single(BodyRows(page)));

        await Context.DisposeComponentsAsync();
        var served = Database.Contexts.Served;
        Clock.Advance(ExportsPage.PollInterval * 5);

        Assert.Equal(served, Database.Contexts.Served);
    }

    [Fact]
    public async Task A_failed_refresh_keeps_the_rows_says_so_and_recovers_on_the_next_tick()
    {
        var id = await ExportAsync(ExportStatus.Queued);
        var page = RenderPage();
        page.WaitForAssertion(() => Assert.Single(BodyRows(page)));

        Database.Contexts.Unavailable = true;
        Clock.Advance(ExportsPage.PollInterval);
        page.WaitForAssertion(() => Assert.StartsWith("The statuses below could not be refreshed.", Text(page.Find("[data-testid=refresh-error]")), StringComparison.Ordinal));
        Assert.Equal("Queued", Text(Row(page, 0).QuerySelector("[data-testid=export-status]")!));

        Database.Contexts.Unavailable = false;
        await MoveAsync(id, ExportStatus.Failed);
        Clock.Advance(ExportsPage.PollInterval);
        page.WaitForAssertion(() => Assert.Equal("Failed", Text(Row(page, 0).QuerySelector("[data-testid=export-status]")!)));
        Assert.Empty(page.FindAll("[data-testid=refresh-error]"));
    }

    [Fact]
    public void New_export_needs_memories_or_knowledge_ticked_and_says_so()
    {
        var (page, provider) = RenderPageWithDialogs();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=empty-state]")));

        NewExportButton(page).Click();
        provider.WaitForAssertion(() => Assert.Single(OpenDialogs(provider)));
        Assert.True(IsChecked(CheckBox(provider, "Memories")));
        Assert.True(IsChecked(CheckBox(provider, "Knowledge")));
        Assert.False(IsDisabled(Button(provider, "Start")));

        Untick(CheckBox(provider, "Memories"));
        Assert.Empty(provider.FindAll("[data-testid=contents-error]"));
        Untick(CheckBox(provider, "Knowledge"));

        Assert.Equal(NewExportDialog.NothingChosen, Text(provider.Find("[data-testid=contents-error]")));
        Assert.True(IsDisabled(Button(provider, "Start")));

        Tick(CheckBox(provider, "Knowledge"));
        Assert.Empty(provider.FindAll("[data-testid=contents-error]"));
        Assert.False(IsDisabled(Button(provider, "Start")));
    }

    [Fact]
    public async Task Start_closes_the_dialog_and_the_queued_export_is_listed_at_once_as_chosen()
    {
        var (page, provider) = RenderPageWithDialogs();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=empty-state]")));

        NewExportButton(page).Click();
        provider.WaitForAssertion(() => Assert.Single(OpenDialogs(provider)));
        Radio(provider, "NDJSON").Click();
        Untick(CheckBox(provider, "Knowledge"));
        Button(provider, "Start").Click();

        provider.WaitForAssertion(() => Assert.Empty(OpenDialogs(provider)));
        page.WaitForAssertion(() => Assert.Single(BodyRows(page)));
        var row = Row(page, 0);
        Assert.Equal("Queued", Text(row.QuerySelector("[data-testid=export-status]")!));
        Assert.Equal("NDJSON", Text(Cell(row, "Format")));
        Assert.Equal("Memories", Text(Cell(row, "Contents")));
        var stored = (await Store.ListAsync(Caller(Owner, ApiKeyEnvironment.Live), new PageRequest(10, null), default)).Data.Single();
        Assert.Equal(("ndjson", "memories", "queued"), (stored.Format, string.Join(",", stored.Include), stored.Status));
    }

    [Fact]
    public async Task At_the_owners_limit_start_says_why_keeps_the_dialog_open_and_stores_nothing()
    {
        for (var i = 0; i < exportOptions.MaxPendingPerOwner; i++)
        {
            // The limit counts both environments.
            await ExportAsync(ExportStatus.Queued, environment: i % 2 == 0 ? ApiKeyEnvironment.Live : ApiKeyEnvironment.Test);
        }

        var (page, provider) = RenderPageWithDialogs();
        page.WaitForAssertion(() => Assert.Equal(3, BodyRows(page).Count));

        NewExportButton(page).Click();
        provider.WaitForAssertion(() => Assert.Single(OpenDialogs(provider)));
        Button(provider, "Start").Click();

        provider.WaitForAssertion(() => Assert.Equal(
            "You already have 5 exports queued or running (live and test together). Start another when one has finished.",
            Text(provider.Find("[data-testid=export-limit]"))));
        Assert.Single(OpenDialogs(provider));
        Assert.Equal(3, BodyRows(page).Count);
        Assert.Equal(3, (await Store.ListAsync(Caller(Owner, ApiKeyEnvironment.Live), new PageRequest(10, null), default)).Data.Count);
    }

    [Fact]
    public async Task Test_mode_shows_only_test_exports_and_switching_it_off_shows_the_live_ones()
    {
        await ExportAsync(ExportStatus.Succeeded, ExportFormat.Json);
        await ExportAsync(ExportStatus.Queued, ExportFormat.Ndjson, environment: ApiKeyEnvironment.Test);
        await ExportAsync(ExportStatus.Queued, owner: OtherOwner, environment: ApiKeyEnvironment.Test);
        var testMode = new TestModeState(on: true);

        var page = RenderPage(testMode);

        page.WaitForAssertion(() => Assert.Single(BodyRows(page)));
        Assert.Equal("NDJSON", Text(Cell(Row(page, 0), "Format")));
        Assert.Contains("A copy of your test memories", Text(page.Find("[data-testid=export-limits]")), StringComparison.Ordinal);

        await page.InvokeAsync(() => testMode.SetAsync(false));

        page.WaitForAssertion(() => Assert.Equal("JSON", Text(Cell(Row(page, 0), "Format"))));
        Assert.Single(BodyRows(page));
    }

    [Fact]
    public async Task Another_owners_exports_are_never_listed()
    {
        await ExportAsync(ExportStatus.Succeeded, owner: OtherOwner);

        var page = RenderPage();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=empty-state]")));
    }

    private IRenderedComponent<ExportsPage> RenderPage(TestModeState? testMode = null) =>
        Context.Render<ExportsPage>(p => p.AddCascadingValue(testMode ?? new TestModeState(on: false)));

    private (IRenderedComponent<ExportsPage> Page, IRenderedComponent<MudDialogProvider> Provider) RenderPageWithDialogs()
    {
        var provider = RenderDialogProvider();
        return (RenderPage(), provider);
    }

    // The one at the top of the page (the empty state has a second).
    private static IElement NewExportButton(IRenderedComponent<ExportsPage> page) =>
        page.FindAll("button").First(b => Text(b) == "New export");

    private static IElement Row(IRenderedComponent<ExportsPage> page, int index) => BodyRows(page)[index];

    private static IElement Cell(IElement row, string column) => row.QuerySelector($"td[data-label='{column}']")!;

    private static ApiCaller Caller(AuditActor owner, ApiKeyEnvironment environment) => new(owner.UserId, environment, Guid.Empty);

    private IExportFileStore NewFileStore() =>
        new DatabaseExportFileStore(Database.Contexts, Options.Create(exportOptions), NullLogger<DatabaseExportFileStore>.Instance);

    // An export started through the store, then left in a status as the runner would leave it.
    private async Task<Guid> ExportAsync(
        ExportStatus status,
        ExportFormat format = ExportFormat.Json,
        ExportContents include = ExportContents.Memories | ExportContents.Knowledge,
        ApiKeyEnvironment environment = ApiKeyEnvironment.Live,
        AuditActor? owner = null,
        long sizeBytes = 2048)
    {
        var created = await Store.CreateAsync(Caller(owner ?? Owner, environment), format, include, default);
        var id = created.Job!.Id;
        await MoveAsync(id, status, sizeBytes);
        return id;
    }

    private async Task MoveAsync(Guid id, ExportStatus status, long sizeBytes = 2048)
    {
        await using var db = Database.CreateContext();
        var job = await db.ExportJobs.SingleAsync(j => j.Id == id);
        var now = Clock.GetUtcNow();
        job.Status = status;
        if (status != ExportStatus.Queued)
        {
            job.StartedAt = now;
        }

        if (status == ExportStatus.Succeeded)
        {
            job.CompletedAt = now;
            job.ExpiresAt = now + exportOptions.Retention;
            job.MemoryCount = job.Include.HasFlag(ExportContents.Memories) ? 3 : null;
            job.KnowledgeCount = job.Include.HasFlag(ExportContents.Knowledge) ? 2 : null;
            job.SizeBytes = sizeBytes;
            job.FileName = ExportFiles.FileNameFor(job.Id, job.Format);
        }
        else if (status == ExportStatus.Failed)
        {
            job.CompletedAt = now;
            job.Error = ExportRunner.WriteFailedError;
        }

        await db.SaveChangesAsync();
    }

    // Holds every read until the test opens it, so the page's state before its data arrives can be seen.
    private sealed class GatedContexts(IDbContextFactory<ApplicationDbContext> inner) : IDbContextFactory<ApplicationDbContext>
    {
        private readonly TaskCompletionSource gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => gate.TrySetResult();

        public ApplicationDbContext CreateDbContext() => inner.CreateDbContext();

        public async Task<ApplicationDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default)
        {
            await gate.Task.WaitAsync(cancellationToken);
            return inner.CreateDbContext();
        }
    }
}
