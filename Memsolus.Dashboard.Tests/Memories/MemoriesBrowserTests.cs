using System.Text.RegularExpressions;
using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Knowledge;
using Memsolus.Dashboard.Memories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.Memories;

// The Memories screen clicked through in Chromium: search and delete, reading one memory's
// metadata, the same by keyboard alone, axe on the page and its dialogs, the page at a phone's and
// a laptop's width with long content, and the app bar's test-mode switch across Memories and
// Knowledge.
[Collection(BrowserCollection.Name)]
public sealed class MemoriesBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Search_then_delete_removes_the_memory_from_the_list_and_the_store()
    {
        var (page, owner) = await BrowserFlows.SignedInOwnerAsync(browser, "memories-delete");
        var doomed = await CreateAsync(owner, "Likes green tea", ["drinks"]);
        await CreateAsync(owner, "Allergic to nuts", ["health"]);
        await CreateAsync(owner, "Drinks black tea at night", []);
        await OpenAsync(page);
        await Assertions.Expect(Rows(page)).ToHaveCountAsync(3);
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the Memories page");

        await page.GetByRole(AriaRole.Textbox, new() { Name = "Search", Exact = true }).FillAsync("TEA");
        await Assertions.Expect(Rows(page)).ToHaveCountAsync(2);
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete memory “Likes green tea”" }).ClickAsync();
        var confirm = page.GetByRole(AriaRole.Dialog, new() { Name = "Delete this memory?" });
        await Assertions.Expect(confirm).ToContainTextAsync("“Likes green tea” will be deleted for good");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the delete confirmation");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();

        await Assertions.Expect(Rows(page)).ToHaveCountAsync(1);
        await Assertions.Expect(Rows(page).Locator("td[data-label='Memory']")).ToHaveTextAsync("Drinks black tea at night");
        await Assertions.Expect(page.GetByText("Memory deleted.")).ToBeVisibleAsync();
        Assert.Null(await Store.GetAsync(Live(owner), doomed.Id, default));
        PageProblems.AssertNone(page, "deleting a memory");
    }

    [Fact]
    public async Task Opening_a_memory_shows_its_whole_content_and_its_metadata_as_json_text()
    {
        var (page, owner) = await BrowserFlows.SignedInOwnerAsync(browser, "memories-open");
        var memory = await CreateAsync(owner, "First line\nSecond line <b>not bold</b>", ["crm"], """{"customer":{"id":42,"tier":"gold"},"html":"<script>alert(1)</script>"}""");
        await OpenAsync(page);

        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Open memory") }).ClickAsync();

        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Memory" });
        await Assertions.Expect(dialog.GetByTestId("memory-content")).ToHaveTextAsync("First line\nSecond line <b>not bold</b>");
        await Assertions.Expect(dialog.GetByTestId("memory-metadata")).ToContainTextAsync("\"tier\": \"gold\"");
        await Assertions.Expect(dialog.GetByTestId("memory-metadata")).ToContainTextAsync("\"html\": \"<script>alert(1)</script>\"");
        await Assertions.Expect(dialog.GetByTestId("memory-id")).ToHaveTextAsync(memory.Id.ToString());
        await Assertions.Expect(dialog.Locator("b, script")).ToHaveCountAsync(0);
        await Accessibility.AssertNoSeriousViolationsAsync(page, "an open memory");
        await dialog.Locator(".mud-dialog-actions").GetByRole(AriaRole.Button, new() { Name = "Close", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Search_open_and_delete_work_by_keyboard_alone()
    {
        var (page, owner) = await BrowserFlows.SignedInOwnerAsync(browser, "memories-keyboard");
        var doomed = await CreateAsync(owner, "Typed away", []);
        await CreateAsync(owner, "Stays put", []);
        await OpenAsync(page);

        await BrowserFlows.TabToAsync(page, page.GetByRole(AriaRole.Textbox, new() { Name = "Search", Exact = true }));
        await page.Keyboard.TypeAsync("typed");
        await Assertions.Expect(Rows(page)).ToHaveCountAsync(1);
        await BrowserFlows.TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Open memory “Typed away”" }));
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Memory" });
        await Assertions.Expect(dialog.GetByTestId("memory-content")).ToHaveTextAsync("Typed away");
        await BrowserFlows.CloseDialogByEscapeAsync(page);

        await BrowserFlows.TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Delete memory “Typed away”" }));
        await page.Keyboard.PressAsync("Enter");
        var confirm = page.GetByRole(AriaRole.Dialog, new() { Name = "Delete this memory?" });
        await BrowserFlows.TabToAsync(page, confirm.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }));
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.GetByTestId("no-matches")).ToBeVisibleAsync();
        Assert.Null(await Store.GetAsync(Live(owner), doomed.Id, default));
        PageProblems.AssertNone(page, "the Memories page by keyboard");
    }

    [Theory]
    [InlineData(BrowserFlows.PhoneWidth)]
    [InlineData(768)]
    [InlineData(1366)]
    [InlineData(1920)]
    public async Task Long_unbroken_content_and_tags_fit_the_window_in_the_list_and_the_dialog(int width)
    {
        var (page, owner) = await BrowserFlows.SignedInOwnerAsync(browser, "memories-fit");
        await page.SetViewportSizeAsync(width, 900);
        await CreateAsync(owner, new string('w', Memory.MaxContentLength), [new string('t', Memory.MaxTagLength), "short"], $$"""{"{{new string('k', 300)}}":"{{new string('v', 2000)}}"}""");
        await CreateAsync(owner, string.Concat(Enumerable.Repeat("a normal sentence that wraps where it can. ", 20)), [], null);
        await OpenAsync(page);
        await Assertions.Expect(Rows(page)).ToHaveCountAsync(2);
        // Once the layout has settled: at a phone's width the navigation drawer closes with a transition.
        await BrowserFlows.SettledAsync(page);
        await BrowserFlows.AssertFitsAsync(page, "the Memories page");

        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Open memory “w") }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("memory-content")).ToBeVisibleAsync();
        await BrowserFlows.AssertFitsAsync(page, "an open memory");
    }

    [Fact]
    public async Task The_test_mode_switch_shows_only_test_data_across_reloads_and_screens()
    {
        var (page, owner) = await BrowserFlows.SignedInOwnerAsync(browser, "memories-test-mode");
        await CreateAsync(owner, "live memory", []);
        await Store.CreateAsync(Live(owner) with { Environment = ApiKeyEnvironment.Test }, "test memory", [], null, default);
        var knowledge = browser.App.Services.GetRequiredService<KnowledgeStore>();
        await knowledge.CreateAsync(Live(owner), "live knowledge", "text", null, default);
        await knowledge.CreateAsync(Live(owner) with { Environment = ApiKeyEnvironment.Test }, "test knowledge", "text", null, default);
        await OpenAsync(page);
        await Assertions.Expect(Rows(page).Locator("td[data-label='Memory']")).ToHaveTextAsync(["live memory"]);
        await Assertions.Expect(page.GetByTestId("test-data-marker")).ToHaveCountAsync(0);

        var testMode = page.GetByRole(AriaRole.Switch, new() { Name = "Test mode" });
        await Assertions.Expect(testMode).ToHaveAttributeAsync("data-circuit", "live");
        await testMode.ClickAsync();

        await Assertions.Expect(Rows(page).Locator("td[data-label='Memory']")).ToHaveTextAsync(["test memory"]);
        await Assertions.Expect(page.GetByTestId("test-data-marker")).ToHaveTextAsync("Test data");
        await page.ReloadAsync();
        await Assertions.Expect(Rows(page).Locator("td[data-label='Memory']")).ToHaveTextAsync(["test memory"]);
        await Assertions.Expect(page.GetByTestId("test-data-marker")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Knowledge", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Knowledge", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("knowledge-title")).ToHaveTextAsync(["test knowledge"]);
        await Assertions.Expect(page.GetByTestId("test-data-marker")).ToBeVisibleAsync();

        await Assertions.Expect(testMode).ToHaveAttributeAsync("data-circuit", "live");
        await testMode.ClickAsync();
        await Assertions.Expect(page.GetByTestId("knowledge-title")).ToHaveTextAsync(["live knowledge"]);
        await Assertions.Expect(page.GetByTestId("test-data-marker")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Link, new() { Name = "Memories", Exact = true }).ClickAsync();
        await Assertions.Expect(Rows(page).Locator("td[data-label='Memory']")).ToHaveTextAsync(["live memory"]);
        PageProblems.AssertNone(page, "switching test mode");
    }

    private MemoryStore Store => browser.App.Services.GetRequiredService<MemoryStore>();

    private static ApiCaller Live(AuditActor owner) => new(owner.UserId, ApiKeyEnvironment.Live, Guid.Empty);

    private Task<MemoryDto> CreateAsync(AuditActor owner, string content, List<string> tags, string? metadata = null) =>
        Store.CreateAsync(Live(owner), content, tags, metadata, default);

    // The page once its rows' buttons work (the circuit is live).
    private static async Task OpenAsync(IPage page)
    {
        await page.GotoAsync("/memories");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Memories", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Open memory") }).First).ToBeEnabledAsync();
    }

    private static ILocator Rows(IPage page) =>
        page.Locator("table tbody tr").Filter(new() { Has = page.Locator("td[data-label='Memory']") });
}
