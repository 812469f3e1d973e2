using System.Globalization;
using System.Text.RegularExpressions;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.Audit;

// Settings → Audit log clicked through in Chromium: the Event filter, the date range, the History
// button of a key's row and its removable filter chip; by keyboard alone and at a phone's width.
[Collection(BrowserCollection.Name)]
public sealed class AuditLogBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_Event_filter_shows_only_events_of_that_kind()
    {
        var (page, owner) = await BrowserFlows.SignedInOwnerAsync(browser, "audit-event");
        var (alpha, beta) = await TwoKeysWithHistoryAsync(owner);
        await OpenAuditLogAsync(page);
        await Assertions.Expect(BrowserFlows.AuditRows(page)).ToHaveCountAsync(4);

        await ChooseEventAsync(page, "key.revoked");

        var rows = BrowserFlows.AuditRows(page);
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(BrowserFlows.Cell(rows, "Event")).ToHaveTextAsync("key.revoked");
        await Assertions.Expect(BrowserFlows.Cell(rows, "Key").Locator("span").First).ToHaveTextAsync(beta.Key.Name);
        await Assertions.Expect(BrowserFlows.Cell(rows, "What changed")).ToHaveTextAsync("revoked by the owner: rotated out of service");

        await ChooseEventAsync(page, "key.created");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(BrowserFlows.Cell(rows, "Event")).ToHaveTextAsync(["key.created", "key.created"]);
        await Assertions.Expect(rows.Locator("td[data-label='Key'] span:first-child")).ToHaveTextAsync([beta.Key.Name, alpha.Key.Name]);
        PageProblems.AssertNone(page, "filtering the audit log by event");
    }

    [Fact]
    public async Task The_History_button_of_a_key_shows_that_keys_events_until_its_chip_is_removed()
    {
        var (page, owner) = await BrowserFlows.SignedInOwnerAsync(browser, "audit-history");
        var (alpha, _) = await TwoKeysWithHistoryAsync(owner);
        await BrowserSession.OpenApiKeysAsync(page);

        await page.GetByRole(AriaRole.Link, new() { Name = $"History of {alpha.Key.Name} ({alpha.Key.DisplayKey})" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/settings/audit-log\\?key={alpha.Key.Id}$"));
        var chip = page.GetByTestId("key-filter");
        await Assertions.Expect(chip).ToHaveTextAsync($"Key: {alpha.Key.Name}");
        var rows = BrowserFlows.AuditRows(page);
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(BrowserFlows.Cell(rows, "Event")).ToHaveTextAsync(["key.updated", "key.created"]);
        await Assertions.Expect(rows.Locator("td[data-label='Key'] span:first-child")).ToHaveTextAsync([alpha.Key.Name, alpha.Key.Name]);

        await chip.Locator("button").ClickAsync();
        await Assertions.Expect(chip).ToHaveCountAsync(0);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/settings/audit-log$"));
        await Assertions.Expect(rows).ToHaveCountAsync(4);
        PageProblems.AssertNone(page, "the History button");
    }

    [Fact]
    public async Task The_date_range_shows_only_events_of_those_days()
    {
        var (page, owner) = await BrowserFlows.SignedInOwnerAsync(browser, "audit-dates");
        var (alpha, _) = await TwoKeysWithHistoryAsync(owner);
        var today = DateTime.UtcNow.Date;
        var old = today.AddDays(-200);
        var older = today.AddDays(-300);
        await AppendPastRenameAsync(owner, alpha, older.AddHours(9), "autumn-name");
        await AppendPastRenameAsync(owner, alpha, old.AddHours(15), "winter-name");
        await OpenAuditLogAsync(page);
        var rows = BrowserFlows.AuditRows(page);
        await Assertions.Expect(rows).ToHaveCountAsync(6);

        await SetDateAsync(page, "From", old.AddDays(-1));
        await SetDateAsync(page, "To", old.AddDays(1));

        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(BrowserFlows.Cell(rows, "Time")).ToHaveTextAsync(old.AddHours(15).ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));
        await Assertions.Expect(BrowserFlows.Cell(rows, "What changed")).ToHaveTextAsync("renamed winter-name → alpha-agent");

        // From alone: everything since that day, today's events included.
        await SetDateAsync(page, "To", null);
        await Assertions.Expect(rows).ToHaveCountAsync(5);
        PageProblems.AssertNone(page, "filtering the audit log by date");
    }

    [Fact]
    public async Task History_and_the_Event_filter_work_by_keyboard_alone()
    {
        var (page, owner) = await BrowserFlows.SignedInOwnerAsync(browser, "audit-keyboard");
        var (_, beta) = await TwoKeysWithHistoryAsync(owner);
        await BrowserSession.OpenApiKeysAsync(page);
        await page.GetByLabel("Show revoked").FocusAsync();
        await page.Keyboard.PressAsync("Space");
        var history = page.GetByRole(AriaRole.Link, new() { Name = $"History of {beta.Key.Name} ({beta.Key.DisplayKey})" });
        await BrowserFlows.TabToAsync(page, history);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("key-filter")).ToHaveTextAsync($"Key: {beta.Key.Name}");
        var rows = BrowserFlows.AuditRows(page);
        await Assertions.Expect(rows).ToHaveCountAsync(2);

        var eventFilter = page.GetByRole(AriaRole.Combobox, new() { Name = "Event" });
        await BrowserFlows.TabToAsync(page, eventFilter);
        await page.Keyboard.PressAsync("Enter");
        var revoked = page.GetByRole(AriaRole.Option, new() { Name = "key.revoked", Exact = true });
        await Assertions.Expect(revoked).ToBeVisibleAsync();
        var options = await page.GetByRole(AriaRole.Option).CountAsync();
        for (var presses = 0; presses < 2 * options && !await IsHighlightedAsync(revoked); presses++)
        {
            // Each key is a round trip to the circuit: wait for the highlight to move before looking
            // again, or on a busy machine the presses run ahead of it and Enter picks another event.
            // A press the opening list did not take yet moves nothing (CI once waited 15 s for it):
            // after 5 s the key is pressed again, within twice the options' count in all.
            var before = await page.EvaluateAsync<string>(HighlightedText);
            await page.Keyboard.PressAsync("ArrowDown");
            try
            {
                await page.WaitForFunctionAsync($"before => ({HighlightedText})() !== before", before, new() { Timeout = 5_000 });
            }
            catch (System.TimeoutException)
            {
            }
        }

        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(eventFilter).ToHaveTextAsync("key.revoked");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(BrowserFlows.Cell(rows, "Event")).ToHaveTextAsync("key.revoked");
        PageProblems.AssertNone(page, "the audit log by keyboard");
    }

    // The log is wider than 390 px today (the Event filter's minimum width, the table, the pager and a
    // long actor email stick out): issue 17's layout work. The flow is run here, the overflow not asserted.
    [Fact]
    public async Task The_audit_log_and_its_filters_work_on_a_390_pixel_screen()
    {
        var (page, owner) = await BrowserFlows.SignedInOwnerAsync(browser, "audit-narrow", narrow: true);
        var (alpha, _) = await TwoKeysWithHistoryAsync(owner);
        await OpenAuditLogAsync(page);
        var rows = BrowserFlows.AuditRows(page);
        await Assertions.Expect(rows).ToHaveCountAsync(4);
        BrowserFlows.AssertNoProblemsWhileTooWide(page, "the audit log");

        await ChooseEventAsync(page, "key.updated");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(BrowserFlows.Cell(rows, "Key").Locator("span").First).ToHaveTextAsync(alpha.Key.Name);
        BrowserFlows.AssertNoProblemsWhileTooWide(page, "the audit log filtered by event");

        await page.GotoAsync($"/settings/audit-log?key={alpha.Key.Id}");
        await Assertions.Expect(page.GetByTestId("key-filter")).ToHaveTextAsync($"Key: {alpha.Key.Name}");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        BrowserFlows.AssertNoProblemsWhileTooWide(page, "the audit log of one key");
    }

    // alpha-agent created then given memory.write; beta-agent created then revoked with a reason.
    private async Task<(CreatedApiKey Alpha, CreatedApiKey Beta)> TwoKeysWithHistoryAsync(AuditActor owner)
    {
        var keys = browser.App.Services.GetRequiredService<ApiKeyStore>();
        var alpha = await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead], name: "alpha-agent");
        var updated = await keys.UpdateAsync(owner, alpha.Key.Id, new UpdateApiKeyRequest("alpha-agent", [Permissions.MemoryRead, Permissions.MemoryWrite]));
        Assert.True(updated.Succeeded, updated.Error?.Message);
        var beta = await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead], name: "beta-agent");
        var revoked = await keys.RevokeAsync(owner, beta.Key.Id, "rotated out of service");
        Assert.True(revoked.Succeeded, revoked.Error?.Message);
        return (alpha, beta);
    }

    // A rename of the key recorded on a past day (the log is append-only: adding is what it allows).
    private async Task AppendPastRenameAsync(AuditActor owner, CreatedApiKey key, DateTime at, string from)
    {
        await using var db = await browser.App.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        db.AuditEvents.Add(new AuditEvent
        {
            OccurredAt = new DateTimeOffset(at, TimeSpan.Zero),
            EventType = AuditEventTypes.KeyUpdated,
            OwnerId = owner.UserId,
            ActorId = owner.UserId,
            ActorName = owner.UserName,
            KeyId = key.Key.Id,
            KeyName = key.Key.Name,
            KeyDisplay = key.Key.DisplayKey,
            Details = System.Text.Json.JsonSerializer.Serialize(new { name = new { from, to = key.Key.Name } }),
            ClientIp = "127.0.0.1",
            UserAgent = "tests",
        });
        await db.SaveChangesAsync();
    }

    private static async Task OpenAuditLogAsync(IPage page)
    {
        await page.GotoAsync("/settings/audit-log");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Audit log", Level = 1 })).ToBeVisibleAsync();
    }

    private static async Task ChooseEventAsync(IPage page, string eventType)
    {
        var filter = page.GetByRole(AriaRole.Combobox, new() { Name = "Event" });
        await filter.ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = eventType, Exact = true }).ClickAsync();
        await Assertions.Expect(filter).ToHaveTextAsync(eventType);
    }

    // The date pickers are editable: type the day and leave the field, or empty it.
    private static async Task SetDateAsync(IPage page, string label, DateTime? day)
    {
        var field = page.GetByLabel(label, new() { Exact = true });
        var text = day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";
        await field.FillAsync(text);
        await field.PressAsync("Tab");
        await Assertions.Expect(field).ToHaveValueAsync(text);
    }

    // Where the list's highlight is: every option's classes and selection, and the active descendant.
    private const string HighlightedText =
        "() => [...document.querySelectorAll('[role=option]')].map(o => o.className + ':' + o.getAttribute('aria-selected')).join('|')"
        + " + '#' + [...document.querySelectorAll('[aria-activedescendant]')].map(e => e.getAttribute('aria-activedescendant')).join('|')";

    private static Task<bool> IsHighlightedAsync(ILocator option) =>
        option.EvaluateAsync<bool>("el => el.classList.contains('mud-selected-item') || el.getAttribute('aria-selected') === 'true' || el.matches('.mud-list-item-hilight, .mud-list-item-hilight *') || !!el.closest('.mud-list-item-hilight')");
}
