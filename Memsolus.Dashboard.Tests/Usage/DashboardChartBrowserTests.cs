using System.Net;
using System.Text.RegularExpressions;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.Usage;

// The dashboard home page clicked through in Chromium: the By key / By outcome switch of the
// requests chart, and each kind of alert action (Rotate, Revoke, History) carried out to its end;
// by keyboard alone and at a phone's width.
[Collection(BrowserCollection.Name)]
public sealed class DashboardChartBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_chart_switches_between_requests_by_key_and_by_outcome()
    {
        var (page, owner) = await BrowserFlows.SignedInOwnerAsync(browser, "chart");
        await UseKeysAsync(owner);

        await OpenDashboardAsync(page);
        await Assertions.Expect(page.GetByTestId("requests-total")).ToContainTextAsync("5 requests from");
        await AssertTableAsync(page, "Requests by key", ["chart-agent", "3"], ["other-agent", "2"]);

        await ChartSwitch(page, "By outcome").ClickAsync();
        await Assertions.Expect(ChartSwitch(page, "By outcome")).ToBeCheckedAsync();
        await Assertions.Expect(ChartSwitch(page, "By key")).Not.ToBeCheckedAsync();
        await AssertTableAsync(page, "Requests by outcome", ["Succeeded (2xx)", "4"], ["403 Forbidden", "1"]);
        await Assertions.Expect(page.Locator(".mud-chart svg").First).ToBeVisibleAsync();

        await ChartSwitch(page, "By key").ClickAsync();
        await AssertTableAsync(page, "Requests by key", ["chart-agent", "3"], ["other-agent", "2"]);
        PageProblems.AssertNone(page, "switching the chart");
    }

    [Fact]
    public async Task A_rotation_due_alerts_Rotate_opens_the_rotation_of_that_key()
    {
        var (page, owner) = await BrowserFlows.SignedInOwnerAsync(browser, "alert-rotate");
        var old = await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead], name: "old-agent");
        await AgeAsync(old, created: TimeSpan.FromDays(100), lastUsed: TimeSpan.FromDays(1));

        await OpenDashboardAsync(page);
        var alert = Alert(page, "old-agent");
        await Assertions.Expect(alert).ToHaveAttributeAsync("data-alert-type", KeyAlertTypes.RotationDue);
        await Assertions.Expect(alert.GetByTestId("alert-message")).ToContainTextAsync("Created 100 days ago");
        await alert.GetByRole(AriaRole.Link, new() { Name = "Rotate old-agent" }).ClickAsync();

        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog.GetByRole(AriaRole.Heading, new() { Name = "Rotate old-agent" })).ToBeVisibleAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/settings/api-keys$"));
        await dialog.GetByRole(AriaRole.Radio, new() { Name = "Immediately" }).CheckAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Rotate" }).ClickAsync();
        var rotated = await BrowserFlows.ReadSecretAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, await BrowserFlows.ApiStatusAsync(browser, old.Secret));
        Assert.Equal(HttpStatusCode.OK, await BrowserFlows.ApiStatusAsync(browser, rotated));
        // The new key is new: the alert is gone.
        await OpenDashboardAsync(page);
        await Assertions.Expect(page.GetByTestId("no-alerts")).ToBeVisibleAsync();
        PageProblems.AssertNone(page, "an alert's Rotate");
    }

    // Revoke from a never-used alert, then History from an expiring key's alert, by keyboard alone.
    [Fact]
    public async Task Alert_actions_Revoke_and_History_work_by_keyboard_alone()
    {
        var (page, owner) = await BrowserFlows.SignedInOwnerAsync(browser, "alert-keyboard");
        var idle = await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead], name: "idle-agent");
        await AgeAsync(idle, created: TimeSpan.FromDays(10), lastUsed: null);
        var dated = await DatedKeyAsync(owner, "dated-agent", DateOnly.FromDateTime(DateTime.UtcNow).AddDays(2));

        await OpenDashboardAsync(page);
        await Assertions.Expect(Alert(page, "idle-agent")).ToHaveAttributeAsync("data-alert-type", KeyAlertTypes.NeverUsed);
        await Assertions.Expect(Alert(page, "dated-agent")).ToHaveAttributeAsync("data-alert-type", KeyAlertTypes.ExpiringSoon);

        await BrowserFlows.TabToAsync(page, page.GetByRole(AriaRole.Link, new() { Name = "Revoke idle-agent" }));
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog.GetByRole(AriaRole.Heading, new() { Name = "Revoke idle-agent?" })).ToBeVisibleAsync();
        await BrowserFlows.TabToAsync(page, dialog.GetByLabel("Reason (optional)"));
        await page.Keyboard.TypeAsync("never used");
        await BrowserFlows.TabToAsync(page, dialog.GetByRole(AriaRole.Button, new() { Name = "Revoke" }));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.Unauthorized, await BrowserFlows.ApiStatusAsync(browser, idle.Secret));

        await OpenDashboardAsync(page);
        await Assertions.Expect(Alert(page, "idle-agent")).ToHaveCountAsync(0);
        await BrowserFlows.TabToAsync(page, page.GetByRole(AriaRole.Link, new() { Name = "History of dated-agent" }));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/settings/audit-log\\?key={dated.Key.Id}$"));
        await Assertions.Expect(page.GetByTestId("key-filter")).ToHaveTextAsync("Key: dated-agent");
        await Assertions.Expect(BrowserFlows.Cell(BrowserFlows.AuditRows(page), "Event")).ToHaveTextAsync(["key.created"]);
        PageProblems.AssertNone(page, "alert actions by keyboard");
    }

    [Fact]
    public async Task The_chart_switch_works_by_keyboard_alone()
    {
        var (page, owner) = await BrowserFlows.SignedInOwnerAsync(browser, "chart-keyboard");
        await UseKeysAsync(owner);
        await OpenDashboardAsync(page);
        await AssertTableAsync(page, "Requests by key", ["chart-agent", "3"], ["other-agent", "2"]);

        await BrowserFlows.TabToAsync(page, ChartSwitch(page, "By outcome"));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(ChartSwitch(page, "By outcome")).ToBeCheckedAsync();
        await Assertions.Expect(ChartSwitch(page, "By key")).Not.ToBeCheckedAsync();
        await AssertTableAsync(page, "Requests by outcome", ["Succeeded (2xx)", "4"], ["403 Forbidden", "1"]);

        await BrowserFlows.TabToAsync(page, ChartSwitch(page, "By key"));
        await page.Keyboard.PressAsync("Space");
        await AssertTableAsync(page, "Requests by key", ["chart-agent", "3"], ["other-agent", "2"]);
        PageProblems.AssertNone(page, "the chart switch by keyboard");
    }

    // The dashboard is wider than a phone today (issue 17's layout work): the app bar's unbroken
    // email, the alert row and the table under the chart stick out (53 px with this test's address).
    // The flow is run at 390 px, the overflow not asserted.
    [Fact]
    public async Task The_dashboard_its_chart_switch_and_an_alert_work_on_a_390_pixel_screen()
    {
        var (page, owner) = await BrowserFlows.SignedInOwnerAsync(browser, "dashboard-narrow", narrow: true);
        await UseKeysAsync(owner);
        var full = await browser.App.NewKeyAsync(owner, Permissions.All.Select(p => p.Name).ToList(), name: "wide-open-agent");

        await OpenDashboardAsync(page);
        await AssertTableAsync(page, "Requests by key", ["chart-agent", "3"], ["other-agent", "2"]);
        BrowserFlows.AssertNoProblemsWhileTooWide(page, "the dashboard");
        await ChartSwitch(page, "By outcome").ClickAsync();
        await Assertions.Expect(ChartSwitch(page, "By outcome")).ToBeCheckedAsync();
        await Assertions.Expect(ChartSwitch(page, "By key")).Not.ToBeCheckedAsync();
        await AssertTableAsync(page, "Requests by outcome", ["Succeeded (2xx)", "4"], ["403 Forbidden", "1"]);
        BrowserFlows.AssertNoProblemsWhileTooWide(page, "the dashboard by outcome");

        await Assertions.Expect(Alert(page, "wide-open-agent")).ToHaveAttributeAsync("data-alert-type", KeyAlertTypes.FullAccess);
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit wide-open-agent" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog.GetByRole(AriaRole.Heading, new() { Name = "Edit wide-open-agent" })).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Checkbox, new() { Name = "Select all", Exact = true }).ClickAsync();
        // Wait for the circuit's answer: checking memory.read while the page still shows it ticked does
        // nothing, and the late "Select all" then clears every box (Save stays disabled).
        var memoryRead = dialog.GetByRole(AriaRole.Checkbox, new() { Name = "memory.read", Exact = true });
        await Assertions.Expect(memoryRead).Not.ToBeCheckedAsync();
        await memoryRead.CheckAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.Forbidden, await BrowserFlows.ApiStatusAsync(browser, full.Secret, "/api/v1/knowledge"));
        await OpenDashboardAsync(page);
        await Assertions.Expect(Alert(page, "wide-open-agent")).ToHaveCountAsync(0);
        BrowserFlows.AssertNoProblemsWhileTooWide(page, "the dashboard after the alert's action");
    }

    // chart-agent: two successes and a 403 (it lacks knowledge.read); other-agent: two successes.
    private async Task UseKeysAsync(AuditActor owner)
    {
        var chart = await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead], name: "chart-agent");
        var other = await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead], name: "other-agent");
        Assert.Equal(HttpStatusCode.OK, await BrowserFlows.ApiStatusAsync(browser, chart.Secret));
        Assert.Equal(HttpStatusCode.OK, await BrowserFlows.ApiStatusAsync(browser, chart.Secret, "/api/v1/memories"));
        Assert.Equal(HttpStatusCode.Forbidden, await BrowserFlows.ApiStatusAsync(browser, chart.Secret, "/api/v1/knowledge"));
        Assert.Equal(HttpStatusCode.OK, await BrowserFlows.ApiStatusAsync(browser, other.Secret));
        Assert.Equal(HttpStatusCode.OK, await BrowserFlows.ApiStatusAsync(browser, other.Secret));
        await browser.App.Services.GetRequiredService<RequestCountRecorder>().FlushAsync();
    }

    // Moves a key's creation (and last use) into the past, as if it had been made then.
    private async Task AgeAsync(CreatedApiKey key, TimeSpan created, TimeSpan? lastUsed)
    {
        var now = DateTimeOffset.UtcNow;
        await using var db = await browser.App.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        var stored = await db.ApiKeys.SingleAsync(k => k.Id == key.Key.Id);
        stored.CreatedAt = now - created;
        stored.LastUsedAt = lastUsed is { } ago ? now - ago : null;
        await db.SaveChangesAsync();
    }

    private async Task<CreatedApiKey> DatedKeyAsync(AuditActor owner, string name, DateOnly lastDay)
    {
        var result = await browser.App.Services.GetRequiredService<ApiKeyStore>().CreateAsync(owner,
            new CreateApiKeyRequest(name, ApiKeyEnvironment.Live, [Permissions.MemoryRead], ApiKeyExpiration.Date, lastDay));
        Assert.True(result.Succeeded, result.Error?.Message);
        return result.Value!;
    }

    private static async Task OpenDashboardAsync(IPage page)
    {
        await page.GotoAsync("/");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();
        // The chart switch answers once the circuit is live: once the browser's renderer, not the
        // prerendered HTML, drew it (only the renderer marks elements with _bl_ references).
        await Assertions.Expect(page.Locator("[data-testid=active-keys]").First).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("""
            () => [...document.querySelectorAll('.mud-toggle-item')].some(e => [...e.attributes].some(a => a.name.startsWith('_bl_')))
            """);
    }

    // The By key / By outcome switch: MudToggleItem renders each choice as a checkbox button.
    private static ILocator ChartSwitch(IPage page, string name) =>
        page.GetByRole(AriaRole.Group, new() { Name = "Show requests" }).GetByRole(AriaRole.Checkbox, new() { Name = name, Exact = true });

    private static ILocator Alert(IPage page, string keyName) =>
        page.GetByTestId("key-alert").Filter(new() { Has = page.Locator(".key-name").GetByText(keyName, new() { Exact = true }) });

    // The table under the chart, row by row: its name and its count.
    private static async Task AssertTableAsync(IPage page, string label, params string[][] rows)
    {
        var table = page.Locator($"[aria-label='{label}']");
        await Assertions.Expect(table).ToBeVisibleAsync();
        var lines = table.GetByTestId("usage-row");
        await Assertions.Expect(lines).ToHaveCountAsync(rows.Length);
        await Assertions.Expect(lines.Locator("td:first-child")).ToHaveTextAsync(rows.Select(r => r[0]).ToArray());
        await Assertions.Expect(lines.Locator("td:last-child")).ToHaveTextAsync(rows.Select(r => r[1]).ToArray());
    }
}
