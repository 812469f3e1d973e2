using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Exports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.Exports;

// The Exports page in Chromium against the real worker: start an export, watch it succeed without
// a reload, download it through the page and compare it with what the API serves; the same flow by
// keyboard alone; test mode; accessibility and the four window widths.
[Collection(BrowserCollection.Name)]
public sealed partial class ExportsBrowserTests(BrowserFixture browser)
{
    private static readonly int[] Widths = [390, 768, 1366, 1920];

    [Fact]
    public async Task Owner_starts_an_export_sees_it_succeed_without_a_reload_and_downloads_what_the_api_serves()
    {
        var (page, owner) = await BrowserFlows.SignedInOwnerAsync(browser, "exports");
        using var api = await ApiClientAsync(owner, ApiKeyEnvironment.Live);
        foreach (var content in new[] { "Prefers tea — not coffee ☕", "Lives in Zürich", "Quotes \"exactly\" and <tags> & such" })
        {
            (await api.PostAsJsonAsync("/api/v1/memories", new { content })).EnsureSuccessStatusCode();
        }

        var newExport = await OpenExportsAsync(page);
        await Assertions.Expect(page.GetByTestId("empty-state")).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the empty Exports page");
        // Gone after a reload: its presence at the end shows the page changed in place.
        await page.EvaluateAsync("() => window.exportsPageNotReloaded = true");

        await newExport.ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog.GetByRole(AriaRole.Heading, new() { Name = "New export" })).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Radio, new() { Name = "NDJSON" }).CheckAsync();
        await dialog.GetByRole(AriaRole.Checkbox, new() { Name = "Knowledge" }).UncheckAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the New export dialog");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Start" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);

        var row = ExportRows(page).First;
        await Assertions.Expect(row.GetByTestId("export-status")).ToHaveTextAsync("Succeeded");
        Assert.True(await page.EvaluateAsync<bool>("() => window.exportsPageNotReloaded === true"), "The page was reloaded.");
        await Assertions.Expect(BrowserFlows.Cell(row, "Items")).ToHaveTextAsync("3 memories");
        await Assertions.Expect(BrowserFlows.Cell(row, "Format")).ToHaveTextAsync("NDJSON");
        await Assertions.Expect(BrowserFlows.Cell(row, "Download until")).ToContainTextAsync("in 7 days");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the Exports list");

        var link = row.GetByRole(AriaRole.Link, new() { NameRegex = DownloadName() });
        var id = Guid.Parse(ExportId().Match(await link.GetAttributeAsync("href") ?? "").Groups[1].Value);
        var download = await page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        var saved = await File.ReadAllBytesAsync(await download.PathAsync());

        using var fromApi = await api.GetAsync($"/api/v1/exports/{id}/download");
        fromApi.EnsureSuccessStatusCode();
        Assert.Equal(await fromApi.Content.ReadAsByteArrayAsync(), saved);
        Assert.Equal(fromApi.Content.Headers.ContentDisposition?.FileName, download.SuggestedFilename);
        var lines = System.Text.Encoding.UTF8.GetString(saved).TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.All(lines, line => Assert.Equal("memory", JsonDocument.Parse(line).RootElement.GetProperty("type").GetString()));

        // Another export that failed, with its reason, for the widths below.
        await StoreFailedExportAsync(owner);
        await page.ReloadAsync();
        await Assertions.Expect(ExportRows(page)).ToHaveCountAsync(2);
        foreach (var width in Widths)
        {
            await page.SetViewportSizeAsync(width, 900);
            await SettledAsync(page);
            await Assertions.Expect(page.GetByTestId("export-error")).ToBeVisibleAsync();
            await BrowserFlows.AssertFitsAsync(page, $"the Exports page at {width} px");
        }
    }

    [Fact]
    public async Task The_whole_flow_works_from_the_keyboard()
    {
        var (page, owner) = await BrowserFlows.SignedInOwnerAsync(browser, "exports-keyboard");
        using var api = await ApiClientAsync(owner, ApiKeyEnvironment.Live);
        (await api.PostAsJsonAsync("/api/v1/memories", new { content = "typed, never clicked" })).EnsureSuccessStatusCode();
        var newExport = await OpenExportsAsync(page);

        await BrowserFlows.TabToAsync(page, newExport);
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        var knowledge = dialog.GetByRole(AriaRole.Checkbox, new() { Name = "Knowledge" });
        await BrowserFlows.TabToAsync(page, knowledge);
        await page.Keyboard.PressAsync("Space");
        await Assertions.Expect(knowledge).Not.ToBeCheckedAsync();
        var start = dialog.GetByRole(AriaRole.Button, new() { Name = "Start" });
        await BrowserFlows.TabToAsync(page, start);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);

        var row = ExportRows(page).First;
        await Assertions.Expect(row.GetByTestId("export-status")).ToHaveTextAsync("Succeeded");
        await Assertions.Expect(BrowserFlows.Cell(row, "Contents")).ToHaveTextAsync("Memories");
        var link = row.GetByRole(AriaRole.Link, new() { NameRegex = DownloadName() });
        await BrowserFlows.TabToAsync(page, link);
        var download = await page.RunAndWaitForDownloadAsync(() => page.Keyboard.PressAsync("Enter"));
        Assert.Contains("typed, never clicked", await File.ReadAllTextAsync(await download.PathAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_mode_shows_and_starts_only_test_environment_exports()
    {
        var (page, owner) = await BrowserFlows.SignedInOwnerAsync(browser, "exports-test-mode");
        using var live = await ApiClientAsync(owner, ApiKeyEnvironment.Live);
        using var test = await ApiClientAsync(owner, ApiKeyEnvironment.Test);
        (await live.PostAsJsonAsync("/api/v1/exports", new { format = "json" })).EnsureSuccessStatusCode();
        var newExport = await OpenExportsAsync(page);
        await Assertions.Expect(ExportRows(page)).ToHaveCountAsync(1);
        await Assertions.Expect(BrowserFlows.Cell(ExportRows(page).First, "Format")).ToHaveTextAsync("JSON");

        await page.GetByRole(AriaRole.Switch, new() { Name = "Test mode" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("test-data-marker")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("empty-state")).ToBeVisibleAsync();

        await newExport.ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog.GetByTestId("export-environment")).ToContainTextAsync("test data");
        await dialog.GetByRole(AriaRole.Radio, new() { Name = "NDJSON" }).CheckAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Start" }).ClickAsync();
        await Assertions.Expect(ExportRows(page)).ToHaveCountAsync(1);
        await Assertions.Expect(BrowserFlows.Cell(ExportRows(page).First, "Format")).ToHaveTextAsync("NDJSON");
        await Assertions.Expect(ExportRows(page).First.GetByTestId("export-status")).ToHaveTextAsync("Succeeded");

        // The API's test key sees the export the page started; the live key does not.
        var testExports = await test.GetFromJsonAsync<JsonElement>("/api/v1/exports");
        Assert.Equal(["ndjson"], testExports.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("format").GetString()));
        var liveExports = await live.GetFromJsonAsync<JsonElement>("/api/v1/exports");
        Assert.Equal(["json"], liveExports.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("format").GetString()));

        // Reloaded, the page is still in test mode.
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("test-data-marker")).ToBeVisibleAsync();
        await Assertions.Expect(BrowserFlows.Cell(ExportRows(page).First, "Format")).ToHaveTextAsync("NDJSON");
        await Assertions.Expect(ExportRows(page)).ToHaveCountAsync(1);
    }

    // Buttons stay disabled until the circuit is live; a click before that is lost.
    private static async Task<ILocator> OpenExportsAsync(IPage page)
    {
        await page.GotoAsync("/exports");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Exports", Level = 1 })).ToBeVisibleAsync();
        var newExport = page.GetByRole(AriaRole.Button, new() { Name = "New export" }).First;
        await Assertions.Expect(newExport).ToBeEnabledAsync();
        return newExport;
    }

    private static ILocator ExportRows(IPage page) =>
        page.Locator("table tbody tr").Filter(new() { Has = page.Locator("td[data-label='Status']") });

    // Below 960 px MudBlazor closes the drawer once the circuit knows the width, and animates it.
    private static Task SettledAsync(IPage page) => page.WaitForFunctionAsync("""
        () => (!document.querySelector('.mud-drawer') || window.innerWidth >= 960 || document.querySelector('.mud-drawer--closed'))
            && document.getAnimations().every(a => !(a instanceof CSSTransition) || a.playState !== 'running')
        """);

    private async Task<HttpClient> ApiClientAsync(AuditActor owner, ApiKeyEnvironment environment)
    {
        var key = await browser.App.NewKeyAsync(owner, ApiSession.AllPermissions, environment);
        var client = new HttpClient { BaseAddress = browser.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Api-Key", key.Secret);
        return client;
    }

    // A failed export as the runner leaves one (the worker cannot be made to fail from here).
    private async Task StoreFailedExportAsync(AuditActor owner)
    {
        await using var db = await browser.App.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        var now = DateTimeOffset.UtcNow;
        db.ExportJobs.Add(new ExportJob
        {
            Id = Guid.CreateVersion7(now),
            OwnerId = owner.UserId,
            Environment = ApiKeyEnvironment.Live,
            Format = ExportFormat.Json,
            Include = ExportContents.Memories | ExportContents.Knowledge,
            Status = ExportStatus.Failed,
            CreatedAt = now,
            StartedAt = now,
            CompletedAt = now,
            Attempts = ExportRunner.MaxAttempts,
            Error = ExportRunner.InterruptedError,
        });
        await db.SaveChangesAsync();
    }

    [GeneratedRegex("^Download memsolus-export-")]
    private static partial Regex DownloadName();

    [GeneratedRegex("exports/([0-9a-f-]{36})/download$")]
    private static partial Regex ExportId();
}
