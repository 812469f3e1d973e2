using System.Text.RegularExpressions;
using Memsolus.Dashboard.ApiKeys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.ApiKeys;

// The owner's key list in Chromium: search, filters and order by keyboard alone, and a page that
// fits every window with each row's actions in view (issue 17, items 6 and 7).
[Collection(BrowserCollection.Name)]
public sealed class ApiKeyListBrowserTests(BrowserFixture browser)
{
    private const string LongName = "nightly-reconciliation-worker-for-the-eu-west-billing-cluster-and-its-replicas";

    [Fact]
    public async Task Search_filters_and_sort_work_by_keyboard_alone()
    {
        var (page, owner) = await BrowserFlows.SignedInOwnerAsync(browser, "keys-find");
        await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead], name: "production-agent");
        await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead], ApiKeyEnvironment.Test, name: "staging-agent");
        await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead], name: "crm-integration");
        await BrowserSession.OpenApiKeysAsync(page);
        var names = page.Locator("table tbody tr .key-name");
        await Assertions.Expect(names).ToHaveTextAsync(["crm-integration", "staging-agent", "production-agent"]);

        var search = page.GetByRole(AriaRole.Textbox, new() { Name = "Search", Exact = true });
        await BrowserFlows.TabToAsync(page, search);
        await page.Keyboard.TypeAsync("agent");
        await Assertions.Expect(names).ToHaveTextAsync(["staging-agent", "production-agent"]);

        await ChooseByKeyboardAsync(page, "Environment", "Test");
        await Assertions.Expect(names).ToHaveTextAsync(["staging-agent"]);
        await ChooseByKeyboardAsync(page, "Environment", "All environments");
        await ChooseByKeyboardAsync(page, "Sort by", "Name (A–Z)");
        await Assertions.Expect(names).ToHaveTextAsync(["production-agent", "staging-agent"]);
        await ChooseByKeyboardAsync(page, "Sort by", "Name (Z–A)");
        await Assertions.Expect(names).ToHaveTextAsync(["staging-agent", "production-agent"]);

        await ChooseByKeyboardAsync(page, "Status", "Revoked");
        var none = page.GetByTestId("no-matches");
        await Assertions.Expect(none).ToContainTextAsync("No keys match “agent”, status Revoked.");
        await BrowserFlows.TabToAsync(page, none.GetByRole(AriaRole.Button, new() { Name = "Clear filters" }));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(names).ToHaveTextAsync(["staging-agent", "production-agent", "crm-integration"]);
        PageProblems.AssertNone(page, "finding keys by keyboard");
    }

    [Theory]
    [InlineData(390)]
    [InlineData(768)]
    [InlineData(1366)]
    [InlineData(1920)]
    public async Task The_keys_page_fits_the_window_with_names_whole_and_every_row_action_in_view(int width)
    {
        var (page, owner) = await BrowserFlows.SignedInOwnerAsync(browser, "fit");
        await page.SetViewportSizeAsync(width, 900);
        await browser.App.NewKeyAsync(owner, Permissions.All.Select(p => p.Name).ToList(), name: LongName);
        await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead, Permissions.KnowledgeRead, Permissions.ExportRead, Permissions.WebhookRead], ApiKeyEnvironment.Test, name: "staging-bot");
        var rotating = await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead], expiration: ApiKeyExpiration.Days90, name: "production-agent");
        var rotated = await browser.App.Services.GetRequiredService<ApiKeyStore>().RotateAsync(owner, rotating.Key.Id, RotationGrace.OneDay);
        Assert.True(rotated.Succeeded, rotated.Error?.Message);

        await BrowserSession.OpenApiKeysAsync(page);
        await CloseOpenDrawerOnAPhoneAsync(page, width);
        var rows = page.Locator("table tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(4);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Revoke ") }).First).ToBeEnabledAsync();
        await BrowserFlows.AssertFitsAsync(page, $"the API Keys list at {width} px");

        // Names on one line: never broken inside a word or at a hyphen.
        foreach (var name in new[] { "staging-bot", "production-agent", LongName })
        {
            var shown = BrowserFlows.KeyRow(page, name).First.Locator(".key-name");
            var lines = await shown.EvaluateAsync<double>("el => el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)");
            Assert.True(lines < 1.5, $"{name} takes {lines:0.0} lines at {width} px.");
            await Assertions.Expect(shown).ToHaveAttributeAsync("title", name);
        }

        // Every action of every row inside the window and inside the table's own region, without scrolling sideways,
        // measured once the drawer has stopped moving (the region moves with it; on a phone the drawer
        // was closed above).
        if (width >= 600)
        {
            await BrowserFlows.SettledAsync(page);
        }

        var region = (await page.GetByRole(AriaRole.Region, new() { Name = "API keys, scrollable" }).BoundingBoxAsync())!;
        var actions = page.Locator("table tbody tr td.key-actions").Locator("button, a");
        var count = await actions.CountAsync();
        // Edit, Rotate, Quarantine, History and Revoke for each current key; Quarantine, History and
        // Revoke for the rotated one, which still works in its grace period.
        Assert.Equal(5 + 5 + 5 + 3, count);
        for (var i = 0; i < count; i++)
        {
            var action = actions.Nth(i);
            var box = (await action.BoundingBoxAsync())!;
            var name = await action.GetAttributeAsync("aria-label");
            Assert.True(box.X >= 0 && box.X + box.Width <= width, $"{name} spans {box.X:0}–{box.X + box.Width:0} px in a {width} px window.");
            Assert.True(box.X >= region.X && box.X + box.Width <= region.X + region.Width + 0.5, $"{name} is clipped by the table's region at {width} px.");
        }
    }

    // The navigation drawer's behaviour at a phone's width is the layout's (MainLayout, tested there);
    // this test is about the keys page, so on a phone it measures the page with the drawer closed.
    private static async Task CloseOpenDrawerOnAPhoneAsync(IPage page, int width)
    {
        if (width < 600 && await page.Locator(".mud-drawer--open").CountAsync() > 0)
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Toggle navigation" }).ClickAsync();
            await page.WaitForFunctionAsync("() => document.querySelector('.mud-main-content').clientWidth >= 300", null, new() { Timeout = 15_000 });
        }
    }

    // A MudSelect by keyboard: Tab to it, Enter opens its list, one arrow press at a time (each
    // waited for: the highlight moves through the circuit) to the option, Enter picks it.
    private static async Task ChooseByKeyboardAsync(IPage page, string label, string option)
    {
        var select = page.GetByRole(AriaRole.Combobox, new() { Name = label, Exact = true });
        await BrowserFlows.TabToAsync(page, select);
        await page.Keyboard.PressAsync("Enter");
        var options = page.GetByRole(AriaRole.Option);
        await Assertions.Expect(options.GetByText(option, new() { Exact = true })).ToBeVisibleAsync();
        var target = await options.EvaluateAllAsync<int>("(els, name) => els.findIndex(e => e.textContent.trim() === name)", option);
        Assert.True(target >= 0, $"{label} offers no {option}.");
        for (var presses = 0; presses < 12; presses++)
        {
            var active = await select.GetAttributeAsync("aria-activedescendant");
            var current = active is null ? -1 : await options.EvaluateAllAsync<int>(
                "(els, id) => { const a = document.getElementById(id); return els.findIndex(e => !!a && (e === a || e.contains(a) || a.contains(e))); }", active);
            if (current == target)
            {
                break;
            }

            await page.Keyboard.PressAsync(current < target ? "ArrowDown" : "ArrowUp");
            if (active is null)
            {
                await Assertions.Expect(select).ToHaveAttributeAsync("aria-activedescendant", new Regex("."));
            }
            else
            {
                await Assertions.Expect(select).Not.ToHaveAttributeAsync("aria-activedescendant", active);
            }
        }

        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(select).ToHaveTextAsync(option);
    }
}
