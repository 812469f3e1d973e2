using System.Net;
using System.Net.Http.Json;
using Memsolus.Dashboard.ApiKeys;
using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.ApiKeys;

// Quarantine and Restore clicked through in Chromium: the owner's row actions (at a phone's width,
// where the rows are cards), the same by keyboard alone, and the admin console's; each checked
// through the API, a write refused 403 key_quarantined and a read answered 200 meanwhile.
[Collection(BrowserCollection.Name)]
public sealed class QuarantineBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_owner_quarantines_a_key_from_its_row_and_restores_it_and_the_API_follows()
    {
        var (page, owner) = await BrowserFlows.SignedInOwnerAsync(browser, "quarantine", narrow: true);
        var key = await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead, Permissions.MemoryWrite], name: "held-agent");
        Assert.Equal(HttpStatusCode.Created, await WriteAsync(key.Secret));
        await BrowserSession.OpenApiKeysAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = $"Quarantine held-agent ({key.Key.DisplayKey})" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog.GetByRole(AriaRole.Heading, new() { Name = "Quarantine held-agent?" })).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Quarantine", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);

        var row = BrowserFlows.KeyRow(page, "held-agent");
        await Assertions.Expect(BrowserFlows.Cell(row, "Status").GetByTestId("key-quarantined")).ToHaveTextAsync("Quarantined");
        await Assertions.Expect(BrowserFlows.Cell(row, "Status")).ToContainTextAsync("Only its read permissions work");
        Assert.Equal(HttpStatusCode.Forbidden, await WriteAsync(key.Secret));
        Assert.Equal(HttpStatusCode.OK, await BrowserFlows.ApiStatusAsync(browser, key.Secret, "/api/v1/memories"));
        await BrowserFlows.AssertFitsAsync(page, "a quarantined key's card at a phone's width");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Restore held-agent ({key.Key.DisplayKey})" }).ClickAsync();
        dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Restore", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);

        await Assertions.Expect(BrowserFlows.Cell(row, "Status").GetByTestId("key-quarantined")).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.Created, await WriteAsync(key.Secret));
        PageProblems.AssertNone(page, "quarantining and restoring a key");
    }

    [Fact]
    public async Task Quarantine_and_restore_work_by_keyboard_alone()
    {
        var (page, owner) = await BrowserFlows.SignedInOwnerAsync(browser, "quarantine-keyboard");
        var key = await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead, Permissions.MemoryWrite], name: "typed-agent");
        await BrowserSession.OpenApiKeysAsync(page);

        await BrowserFlows.TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = $"Quarantine typed-agent ({key.Key.DisplayKey})" }));
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByRole(AriaRole.Dialog);
        await BrowserFlows.TabToAsync(page, dialog.GetByRole(AriaRole.Button, new() { Name = "Quarantine", Exact = true }));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await Assertions.Expect(BrowserFlows.Cell(BrowserFlows.KeyRow(page, "typed-agent"), "Status").GetByTestId("key-quarantined")).ToBeVisibleAsync();
        Assert.Equal(HttpStatusCode.Forbidden, await WriteAsync(key.Secret));

        // Escape leaves it quarantined; Restore by Enter ends it.
        var restore = page.GetByRole(AriaRole.Button, new() { Name = $"Restore typed-agent ({key.Key.DisplayKey})" });
        await BrowserFlows.TabToAsync(page, restore);
        await page.Keyboard.PressAsync("Enter");
        await BrowserFlows.CloseDialogByEscapeAsync(page);
        Assert.Equal(HttpStatusCode.Forbidden, await WriteAsync(key.Secret));
        await BrowserFlows.TabToAsync(page, restore);
        await page.Keyboard.PressAsync("Enter");
        dialog = page.GetByRole(AriaRole.Dialog);
        await BrowserFlows.TabToAsync(page, dialog.GetByRole(AriaRole.Button, new() { Name = "Restore", Exact = true }));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = $"Quarantine typed-agent ({key.Key.DisplayKey})" })).ToBeVisibleAsync();
        Assert.Equal(HttpStatusCode.Created, await WriteAsync(key.Secret));
        PageProblems.AssertNone(page, "quarantine by keyboard");
    }

    [Fact]
    public async Task An_administrator_quarantines_and_restores_any_owners_key_with_a_reason()
    {
        var owner = await browser.App.NewOwnerAsync("quarantined-by-admin");
        var key = await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead, Permissions.MemoryWrite], name: "suspect-agent");
        var (page, _) = await BrowserFlows.SignedInAdminAsync(browser);
        await BrowserFlows.OpenAdminKeysAsync(page, owner.UserName);

        await page.GetByRole(AriaRole.Button, new() { Name = $"Quarantine suspect-agent ({key.Key.DisplayKey})" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        var confirm = dialog.GetByRole(AriaRole.Button, new() { Name = "Quarantine", Exact = true });
        await Assertions.Expect(confirm).ToBeDisabledAsync();
        await dialog.GetByLabel("Reason").FillAsync("found in a public gist");
        await confirm.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);

        var row = BrowserFlows.KeyRow(page, "suspect-agent");
        await Assertions.Expect(BrowserFlows.Cell(row, "Status").GetByTestId("key-quarantined")).ToHaveTextAsync("Quarantined");
        Assert.Equal(HttpStatusCode.Forbidden, await WriteAsync(key.Secret));
        Assert.Equal(HttpStatusCode.OK, await BrowserFlows.ApiStatusAsync(browser, key.Secret, "/api/v1/memories"));

        await page.GetByRole(AriaRole.Button, new() { Name = $"Restore suspect-agent ({key.Key.DisplayKey})" }).ClickAsync();
        dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Reason").FillAsync("false alarm");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Restore", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);

        await Assertions.Expect(BrowserFlows.Cell(row, "Status").GetByTestId("key-quarantined")).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.Created, await WriteAsync(key.Secret));
        PageProblems.AssertNone(page, "an administrator quarantining a key");
    }

    private async Task<HttpStatusCode> WriteAsync(string secret)
    {
        using var api = new HttpClient { BaseAddress = browser.BaseAddress };
        api.DefaultRequestHeaders.Add("X-Api-Key", secret);
        using var response = await api.PostAsJsonAsync("/api/v1/memories", new { content = "written by the browser test" });
        return response.StatusCode;
    }
}
