using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Memsolus.Dashboard.ApiKeys;
using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.ApiKeys;

// Settings → API Keys clicked through in Chromium, one flow per test: every expiry choice, copy,
// edit (checked through the API), rotation with every grace period (the old key checked through
// the API), revocation with a reason and the Show revoked switch; the flows again by keyboard alone
// and at a phone's width.
[Collection(BrowserCollection.Name)]
public sealed class ApiKeyLifecycleBrowserTests(BrowserFixture browser)
{
    [Theory]
    [InlineData("Never")]
    [InlineData("30 days")]
    [InlineData("90 days")]
    [InlineData("1 year")]
    [InlineData("A chosen date")]
    public async Task A_key_made_with_each_expiry_choice_lists_the_last_day_it_works(string choice)
    {
        var (page, _) = await BrowserFlows.SignedInOwnerAsync(browser, "expiry");
        var newKey = await BrowserSession.OpenApiKeysAsync(page);
        await newKey.ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Name").FillAsync("expiring-agent");
        await dialog.GetByRole(AriaRole.Checkbox, new() { Name = "memory.read", Exact = true }).CheckAsync();
        await ChooseExpirationAsync(page, choice);
        var chosenDay = DateTime.UtcNow.Date.AddDays(3);
        if (choice == "A chosen date")
        {
            var date = dialog.GetByLabel("Expires after");
            await date.FillAsync(chosenDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            await date.PressAsync("Tab");
            await Assertions.Expect(date).ToHaveValueAsync(chosenDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        var before = DateTimeOffset.UtcNow;
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        var secret = await BrowserFlows.ReadSecretAsync(page);
        var after = DateTimeOffset.UtcNow;
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);

        var row = BrowserFlows.KeyRow(page, "expiring-agent");
        var expires = BrowserFlows.Cell(row, "Expires");
        var status = BrowserFlows.Cell(row, "Status").GetByTestId("key-status");
        switch (choice)
        {
            case "Never":
                await Assertions.Expect(expires).ToHaveTextAsync("Never");
                await Assertions.Expect(status).ToHaveTextAsync("Active");
                break;
            case "A chosen date":
                // Valid through the chosen day (UTC), so it stops 3 to 4 days from now, within the
                // 7-day window: Expires soon.
                await Assertions.Expect(expires).ToHaveTextAsync(new Regex("^in [34] days"));
                await Assertions.Expect(expires.Locator("time")).ToHaveAttributeAsync("title", $"Works until {chosenDay.AddDays(1):yyyy-MM-dd} 00:00 UTC");
                await Assertions.Expect(status).ToHaveTextAsync("Expires soon");
                break;
            default:
                Func<DateTimeOffset, DateTimeOffset> stop = choice switch
                {
                    "30 days" => at => at.AddDays(30),
                    "90 days" => at => at.AddDays(90),
                    _ => at => at.AddYears(1),
                };
                var words = choice switch { "30 days" => "in 30 days", "90 days" => "in 3 months", _ => "in 1 year" };
                await Assertions.Expect(expires).ToHaveTextAsync(new Regex($"^{words} \\(Works until "));
                await AssertWorksUntilAsync(expires, stop(before), stop(after));
                await Assertions.Expect(status).ToHaveTextAsync("Active");
                break;
        }

        Assert.Equal(HttpStatusCode.OK, await BrowserFlows.ApiStatusAsync(browser, secret));
        PageProblems.AssertNone(page, $"creating a key that expires: {choice}");
    }

    [Fact]
    public async Task Copy_puts_exactly_the_shown_key_on_the_clipboard_and_the_key_then_works()
    {
        var (page, _) = await BrowserFlows.SignedInOwnerAsync(browser, "copy");
        await (await BrowserSession.OpenApiKeysAsync(page)).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Name").FillAsync("copied-agent");
        await dialog.GetByRole(AriaRole.Checkbox, new() { Name = "memory.read", Exact = true }).CheckAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        var shown = await BrowserFlows.ReadSecretAsync(page);
        await page.EvaluateAsync("() => navigator.clipboard.writeText('something else')");

        await page.GetByRole(AriaRole.Button, new() { Name = "Copy" }).ClickAsync();

        await Assertions.Expect(page.GetByText("Copied to the clipboard.")).ToBeVisibleAsync();
        var copied = await page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        Assert.Equal(shown, copied);
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.OK, await BrowserFlows.ApiStatusAsync(browser, copied));
        // Shown once: nothing on the page holds it after Done.
        Assert.DoesNotContain(shown, await page.ContentAsync(), StringComparison.Ordinal);
        PageProblems.AssertNone(page, "copying a key");
    }

    [Fact]
    public async Task Editing_a_name_and_removing_a_permission_applies_to_the_keys_next_request()
    {
        var (page, owner) = await BrowserFlows.SignedInOwnerAsync(browser, "edit");
        var key = await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead, Permissions.KnowledgeRead], name: "reader-agent");
        Assert.Equal(HttpStatusCode.OK, await BrowserFlows.ApiStatusAsync(browser, key.Secret, "/api/v1/knowledge"));
        await BrowserSession.OpenApiKeysAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = $"Edit reader-agent ({key.Key.DisplayKey})" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        var save = dialog.GetByRole(AriaRole.Button, new() { Name = "Save" });
        await Assertions.Expect(save).ToBeDisabledAsync();
        await dialog.GetByLabel("Name").FillAsync("memory-only-agent");
        await dialog.GetByRole(AriaRole.Checkbox, new() { Name = "knowledge.read", Exact = true }).UncheckAsync();
        await save.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);

        var row = BrowserFlows.KeyRow(page, "memory-only-agent");
        await Assertions.Expect(BrowserFlows.Cell(row, "Key")).ToHaveTextAsync(key.Key.DisplayKey);
        await Assertions.Expect(BrowserFlows.Cell(row, "Permissions")).ToHaveTextAsync("memory.read");
        await Assertions.Expect(BrowserFlows.KeyRow(page, "reader-agent")).ToHaveCountAsync(0);

        Assert.Equal(HttpStatusCode.Forbidden, await BrowserFlows.ApiStatusAsync(browser, key.Secret, "/api/v1/knowledge"));
        Assert.Equal(HttpStatusCode.OK, await BrowserFlows.ApiStatusAsync(browser, key.Secret, "/api/v1/memories"));
        PageProblems.AssertNone(page, "editing a key");
    }

    [Theory]
    [InlineData("Immediately", 0)]
    [InlineData("In 1 hour", 1)]
    [InlineData("In 24 hours", 24)]
    [InlineData("In 7 days", 168)]
    public async Task Rotating_with_each_grace_period_stops_the_old_key_when_chosen(string grace, int hours)
    {
        var (page, owner) = await BrowserFlows.SignedInOwnerAsync(browser, "rotate");
        var old = await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead], name: "rotating-agent");
        await BrowserSession.OpenApiKeysAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = $"Rotate rotating-agent ({old.Key.DisplayKey})" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByRole(AriaRole.Radio, new() { Name = grace }).CheckAsync();
        var before = DateTimeOffset.UtcNow;
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Rotate" }).ClickAsync();
        var rotated = await BrowserFlows.ReadSecretAsync(page);
        var after = DateTimeOffset.UtcNow;
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);

        Assert.Equal(HttpStatusCode.OK, await BrowserFlows.ApiStatusAsync(browser, rotated));
        var oldRow = page.Locator("table tbody tr").Filter(new() { HasText = old.Key.DisplayKey });
        if (hours == 0)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await BrowserFlows.ApiStatusAsync(browser, old.Secret));
            // Stopped: listed only with the inactive keys.
            await Assertions.Expect(oldRow).ToHaveCountAsync(0);
            await page.GetByLabel("Show revoked").CheckAsync();
            await Assertions.Expect(BrowserFlows.Cell(oldRow, "Status").GetByTestId("key-status")).ToHaveTextAsync("Rotated");
        }
        else
        {
            Assert.Equal(HttpStatusCode.OK, await BrowserFlows.ApiStatusAsync(browser, old.Secret));
            // Still listed while it works, as rotated, with the moment it stops.
            await Assertions.Expect(BrowserFlows.Cell(oldRow, "Status").GetByTestId("key-status")).ToHaveTextAsync("Rotated");
            var expires = BrowserFlows.Cell(oldRow, "Expires");
            var words = hours switch { 1 => "in 1 hour", 24 => "in 1 day", _ => "in 7 days" };
            await Assertions.Expect(expires).ToHaveTextAsync(new Regex($"^{words} \\(Works until "));
            await AssertWorksUntilAsync(expires, before.AddHours(hours), after.AddHours(hours));
        }

        var newRow = page.Locator("table tbody tr").Filter(new() { HasText = $"{rotated[..13]}…{rotated[41..45]}" });
        await Assertions.Expect(BrowserFlows.Cell(newRow, "Name")).ToHaveTextAsync("rotating-agent");
        await Assertions.Expect(BrowserFlows.Cell(newRow, "Status").GetByTestId("key-status")).ToHaveTextAsync("Active");
        PageProblems.AssertNone(page, $"rotating with grace {grace}");
    }

    [Fact]
    public async Task Revoking_with_a_reason_hides_the_key_until_Show_revoked_and_the_log_keeps_the_reason()
    {
        var (page, owner) = await BrowserFlows.SignedInOwnerAsync(browser, "revoke");
        var doomed = await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead], name: "leaked-agent");
        await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead], name: "kept-agent");
        await BrowserSession.OpenApiKeysAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = $"Revoke leaked-agent ({doomed.Key.DisplayKey})" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToContainTextAsync($"Every integration using {doomed.Key.DisplayKey} (live) stops working immediately.");
        await dialog.GetByLabel("Reason (optional)").FillAsync("pasted in a support chat");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);

        Assert.Equal(HttpStatusCode.Unauthorized, await BrowserFlows.ApiStatusAsync(browser, doomed.Secret));
        var row = BrowserFlows.KeyRow(page, "leaked-agent");
        await Assertions.Expect(row).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByText("1 active key, 1 inactive hidden")).ToBeVisibleAsync();

        var showRevoked = page.GetByLabel("Show revoked");
        await showRevoked.CheckAsync();
        var status = BrowserFlows.Cell(row, "Status");
        await Assertions.Expect(status.GetByTestId("key-status")).ToHaveTextAsync("Revoked");
        await Assertions.Expect(status.Locator(".revocation-reason")).ToContainTextAsync("by you");
        await Assertions.Expect(status.Locator(".revocation-reason")).ToContainTextAsync("Reason: pasted in a support chat");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = $"Revoke leaked-agent ({doomed.Key.DisplayKey})" })).ToHaveCountAsync(0);
        await Assertions.Expect(BrowserFlows.Cell(BrowserFlows.KeyRow(page, "kept-agent"), "Status").GetByTestId("key-status")).ToHaveTextAsync("Active");

        await showRevoked.UncheckAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0);

        // The History button of the row leads to the key's log, with the reason.
        await showRevoked.CheckAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = $"History of leaked-agent ({doomed.Key.DisplayKey})" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/settings/audit-log\\?key={doomed.Key.Id}$"));
        var revoked = BrowserFlows.AuditRows(page).Filter(new() { Has = page.Locator("td[data-label='Event']").GetByText("key.revoked", new() { Exact = true }) });
        await Assertions.Expect(revoked).ToHaveCountAsync(1);
        await Assertions.Expect(BrowserFlows.Cell(revoked, "What changed")).ToContainTextAsync("pasted in a support chat");
        PageProblems.AssertNone(page, "revoking a key");
    }

    // Create, copy, edit, rotate, revoke and Show revoked with Tab, Enter, Space and arrows only.
    [Fact]
    public async Task Every_key_flow_works_by_keyboard_alone()
    {
        var (page, _) = await BrowserFlows.SignedInOwnerAsync(browser, "keys-keyboard");
        var newKey = await BrowserSession.OpenApiKeysAsync(page);

        // Create with a permission, copy, Done.
        await newKey.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByRole(AriaRole.Dialog);
        await BrowserFlows.TabToAsync(page, dialog.GetByLabel("Name"));
        await page.Keyboard.TypeAsync("typed-agent");
        await BrowserFlows.TabToAsync(page, dialog.GetByRole(AriaRole.Checkbox, new() { Name = "memory.read", Exact = true }));
        await page.Keyboard.PressAsync("Space");
        await BrowserFlows.TabToAsync(page, dialog.GetByRole(AriaRole.Checkbox, new() { Name = "knowledge.read", Exact = true }));
        await page.Keyboard.PressAsync("Space");
        await BrowserFlows.TabToAsync(page, dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }));
        await page.Keyboard.PressAsync("Enter");
        var secret = await BrowserFlows.ReadSecretAsync(page);
        await BrowserFlows.CopySecretAndCloseByKeyboardAsync(page, secret);
        var display = $"{secret[..13]}…{secret[41..45]}";

        // Edit: rename, drop knowledge.read.
        await BrowserFlows.TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = $"Edit typed-agent ({display})" }));
        await page.Keyboard.PressAsync("Enter");
        dialog = page.GetByRole(AriaRole.Dialog);
        await BrowserFlows.TabToAsync(page, dialog.GetByLabel("Name"));
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("retyped-agent");
        await BrowserFlows.TabToAsync(page, dialog.GetByRole(AriaRole.Checkbox, new() { Name = "knowledge.read", Exact = true }));
        await page.Keyboard.PressAsync("Space");
        await BrowserFlows.TabToAsync(page, dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        var row = BrowserFlows.KeyRow(page, "retyped-agent");
        await Assertions.Expect(BrowserFlows.Cell(row, "Permissions")).ToHaveTextAsync("memory.read");
        Assert.Equal(HttpStatusCode.Forbidden, await BrowserFlows.ApiStatusAsync(browser, secret, "/api/v1/knowledge"));

        // Rotate, the old key stopping at once (the group starts at "In 24 hours": arrows move the choice).
        await BrowserFlows.TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = $"Rotate retyped-agent ({display})" }));
        await page.Keyboard.PressAsync("Enter");
        dialog = page.GetByRole(AriaRole.Dialog);
        var immediately = dialog.GetByRole(AriaRole.Radio, new() { Name = "Immediately" });
        await BrowserFlows.TabToAsync(page, dialog.GetByRole(AriaRole.Radio, new() { Name = "In 24 hours" }));
        await page.Keyboard.PressAsync("ArrowUp");
        await page.Keyboard.PressAsync("ArrowUp");
        await Assertions.Expect(immediately).ToBeCheckedAsync();
        await BrowserFlows.TabToAsync(page, dialog.GetByRole(AriaRole.Button, new() { Name = "Rotate" }));
        await page.Keyboard.PressAsync("Enter");
        var rotated = await BrowserFlows.ReadSecretAsync(page);
        await BrowserFlows.TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Done" }));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.Unauthorized, await BrowserFlows.ApiStatusAsync(browser, secret));
        var rotatedDisplay = $"{rotated[..13]}…{rotated[41..45]}";

        // Revoke with a reason.
        await BrowserFlows.TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = $"Revoke retyped-agent ({rotatedDisplay})" }));
        await page.Keyboard.PressAsync("Enter");
        dialog = page.GetByRole(AriaRole.Dialog);
        await BrowserFlows.TabToAsync(page, dialog.GetByLabel("Reason (optional)"));
        await page.Keyboard.TypeAsync("keyboard test done");
        await BrowserFlows.TabToAsync(page, dialog.GetByRole(AriaRole.Button, new() { Name = "Revoke" }));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.Unauthorized, await BrowserFlows.ApiStatusAsync(browser, rotated));

        // Show revoked.
        var showRevoked = page.GetByLabel("Show revoked");
        await BrowserFlows.TabToAsync(page, showRevoked);
        await page.Keyboard.PressAsync("Space");
        await Assertions.Expect(showRevoked).ToBeCheckedAsync();
        var revokedRow = page.Locator("table tbody tr").Filter(new() { HasText = rotatedDisplay });
        await Assertions.Expect(BrowserFlows.Cell(revokedRow, "Status").GetByTestId("key-status")).ToHaveTextAsync("Revoked");
        await Assertions.Expect(BrowserFlows.Cell(revokedRow, "Status")).ToContainTextAsync("Reason: keyboard test done");
        PageProblems.AssertNone(page, "the key flows by keyboard");
    }

    // The same flows on a 390 px wide screen.
    [Fact]
    public async Task Every_key_flow_works_on_a_390_pixel_screen()
    {
        var (page, _) = await BrowserFlows.SignedInOwnerAsync(browser, "keys-narrow", narrow: true);
        var newKey = await BrowserSession.OpenApiKeysAsync(page);
        // Measured once MudBlazor has closed the drawer (it does when the circuit learns the width):
        // before that the page is 150 px wide and only its narrowest content fits.
        await BrowserFlows.SettledAsync(page);
        await BrowserFlows.AssertFitsAsync(page, "the empty API Keys page");

        await newKey.ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Name").FillAsync("phone-agent");
        await dialog.GetByRole(AriaRole.Checkbox, new() { Name = "memory.read", Exact = true }).CheckAsync();
        await ChooseExpirationAsync(page, "90 days");
        await BrowserFlows.AssertFitsAsync(page, "the New API Key dialog");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        var secret = await BrowserFlows.ReadSecretAsync(page);
        await BrowserFlows.AssertFitsAsync(page, "the secret dialog");
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Copied to the clipboard.")).ToBeVisibleAsync();
        Assert.Equal(secret, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        var display = $"{secret[..13]}…{secret[41..45]}";
        var row = BrowserFlows.KeyRow(page, "phone-agent");
        await Assertions.Expect(BrowserFlows.Cell(row, "Key")).ToHaveTextAsync(display);
        await BrowserFlows.AssertFitsAsync(page, "the API Keys list");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Edit phone-agent ({display})" }).ClickAsync();
        dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByRole(AriaRole.Checkbox, new() { Name = "memory.write", Exact = true }).CheckAsync();
        await BrowserFlows.AssertFitsAsync(page, "the Edit dialog");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(BrowserFlows.Cell(row, "Permissions")).ToHaveTextAsync("memory.read, memory.write");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Rotate phone-agent ({display})" }).ClickAsync();
        dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByRole(AriaRole.Radio, new() { Name = "In 1 hour" }).CheckAsync();
        await BrowserFlows.AssertFitsAsync(page, "the Rotate dialog");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Rotate" }).ClickAsync();
        var rotated = await BrowserFlows.ReadSecretAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        Assert.Equal(HttpStatusCode.OK, await BrowserFlows.ApiStatusAsync(browser, secret));
        var rotatedDisplay = $"{rotated[..13]}…{rotated[41..45]}";

        await page.GetByRole(AriaRole.Button, new() { Name = $"Revoke phone-agent ({rotatedDisplay})" }).ClickAsync();
        dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Reason (optional)").FillAsync("phone test");
        await BrowserFlows.AssertFitsAsync(page, "the Revoke dialog");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.Unauthorized, await BrowserFlows.ApiStatusAsync(browser, rotated));
        await page.GetByLabel("Show revoked").CheckAsync();
        var revokedRow = page.Locator("table tbody tr").Filter(new() { HasText = rotatedDisplay });
        await Assertions.Expect(BrowserFlows.Cell(revokedRow, "Status").GetByTestId("key-status")).ToHaveTextAsync("Revoked");
        await BrowserFlows.AssertFitsAsync(page, "the API Keys list with revoked keys");
    }

    // The exact moment an Expires cell names on hover lies between two readings of the clock (to the minute).
    private static async Task AssertWorksUntilAsync(ILocator expires, DateTimeOffset earliest, DateTimeOffset latest)
    {
        var title = await expires.Locator("time").GetAttributeAsync("title");
        var stopsAt = DateTimeOffset.ParseExact(title!, "'Works until 'yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        Assert.InRange(stopsAt, earliest.AddMinutes(-1), latest);
    }

    // MudSelect: open the Expiration list and pick the choice from its popover.
    private static async Task ChooseExpirationAsync(IPage page, string choice)
    {
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Combobox, new() { Name = "Expiration" }).ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = choice, Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Combobox, new() { Name = "Expiration" })).ToHaveTextAsync(choice);
    }
}
