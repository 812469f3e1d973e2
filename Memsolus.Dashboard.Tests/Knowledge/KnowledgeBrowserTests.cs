using System.Text.RegularExpressions;
using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Knowledge;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.Knowledge;

// The Knowledge screen clicked through in Chromium: search, open and delete from the open entry,
// the same by keyboard alone, axe on the page and its dialogs, and long text at every width.
// (The test-mode switch across both screens is in MemoriesBrowserTests.)
[Collection(BrowserCollection.Name)]
public sealed class KnowledgeBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Search_open_and_delete_from_the_open_entry()
    {
        var (page, owner) = await BrowserFlows.SignedInOwnerAsync(browser, "knowledge-delete");
        var doomed = await CreateAsync(owner, "Refund policy", "Money back\nwithin 30 days.", "https://example.com/refunds");
        await CreateAsync(owner, "Opening hours", "Nine to five.");
        await OpenAsync(page);
        await Assertions.Expect(page.GetByTestId("knowledge-title")).ToHaveCountAsync(2);
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the Knowledge page");

        await page.GetByRole(AriaRole.Textbox, new() { Name = "Search", Exact = true }).FillAsync("money");
        await Assertions.Expect(page.GetByTestId("knowledge-title")).ToHaveTextAsync(["Refund policy"]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Open “Refund policy”" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Refund policy" });
        await Assertions.Expect(dialog.GetByTestId("knowledge-content")).ToHaveTextAsync("Money back\nwithin 30 days.");
        await Assertions.Expect(dialog.GetByTestId("knowledge-source-full")).ToHaveTextAsync("https://example.com/refunds");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "an open knowledge entry");

        await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        var confirm = page.GetByRole(AriaRole.Dialog, new() { Name = "Delete this knowledge entry?" });
        await Assertions.Expect(confirm).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the knowledge delete confirmation");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("no-matches")).ToBeVisibleAsync();
        Assert.Null(await Store.GetAsync(Live(owner), doomed.Id, default));
        await page.GetByRole(AriaRole.Button, new() { Name = "Clear search" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("knowledge-title")).ToHaveTextAsync(["Opening hours"]);
        PageProblems.AssertNone(page, "deleting a knowledge entry");
    }

    [Fact]
    public async Task Search_open_and_delete_work_by_keyboard_alone()
    {
        var (page, owner) = await BrowserFlows.SignedInOwnerAsync(browser, "knowledge-keyboard");
        var doomed = await CreateAsync(owner, "Typed away", "text");
        await CreateAsync(owner, "Stays put", "text");
        await OpenAsync(page);

        await BrowserFlows.TabToAsync(page, page.GetByRole(AriaRole.Textbox, new() { Name = "Search", Exact = true }));
        await page.Keyboard.TypeAsync("typed");
        await Assertions.Expect(page.GetByTestId("knowledge-title")).ToHaveTextAsync(["Typed away"]);
        await BrowserFlows.TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Open “Typed away”" }));
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Typed away" });
        await BrowserFlows.TabToAsync(page, dialog.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }));
        await page.Keyboard.PressAsync("Enter");
        var confirm = page.GetByRole(AriaRole.Dialog, new() { Name = "Delete this knowledge entry?" });
        await BrowserFlows.TabToAsync(page, confirm.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }));
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("no-matches")).ToBeVisibleAsync();
        Assert.Null(await Store.GetAsync(Live(owner), doomed.Id, default));
        PageProblems.AssertNone(page, "the Knowledge page by keyboard");
    }

    [Theory]
    [InlineData(BrowserFlows.PhoneWidth)]
    [InlineData(768)]
    [InlineData(1366)]
    [InlineData(1920)]
    public async Task Long_unbroken_titles_content_and_sources_fit_the_window(int width)
    {
        var (page, owner) = await BrowserFlows.SignedInOwnerAsync(browser, "knowledge-fit");
        await page.SetViewportSizeAsync(width, 900);
        await CreateAsync(owner, new string('T', KnowledgeEntry.MaxTitleLength), new string('x', 30_000), "https://example.com/" + new string('p', 500));
        await CreateAsync(owner, "Short", "text");
        await OpenAsync(page);
        await Assertions.Expect(page.GetByTestId("knowledge-title")).ToHaveCountAsync(2);
        // Once the layout has settled: at a phone's width the navigation drawer closes with a transition.
        await BrowserFlows.SettledAsync(page);
        await BrowserFlows.AssertFitsAsync(page, "the Knowledge page");

        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Open “TTT") }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("knowledge-content")).ToBeVisibleAsync();
        await BrowserFlows.AssertFitsAsync(page, "an open knowledge entry");
    }

    private KnowledgeStore Store => browser.App.Services.GetRequiredService<KnowledgeStore>();

    private static ApiCaller Live(AuditActor owner) => new(owner.UserId, ApiKeyEnvironment.Live, Guid.Empty);

    private Task<KnowledgeDto> CreateAsync(AuditActor owner, string title, string content, string? source = null) =>
        Store.CreateAsync(Live(owner), title, content, source, default);

    // The page once its rows' buttons work (the circuit is live).
    private static async Task OpenAsync(IPage page)
    {
        await page.GotoAsync("/knowledge");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Knowledge", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Open “") }).First).ToBeEnabledAsync();
    }
}
