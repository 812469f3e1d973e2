using System.Net;
using System.Text.RegularExpressions;
using Memsolus.Dashboard.ApiKeys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.Admin;

// Admin → All API keys clicked through in Chromium: Search by each kind it takes, Revoke and
// Revoke all (checked through the API), and a row's History button; by keyboard alone and at a
// phone's width.
[Collection(BrowserCollection.Name)]
public sealed class AdminSearchBrowserTests(BrowserFixture browser)
{
    // Owner A has tag-crm (live) and other-tag (test); owner B has tag-crm too. Each search names
    // the rows it must find, no more. (No address here contains "search": other tests find the
    // Search field by its label, which would then also match a row's "Account of …" button.)
    [Theory]
    [InlineData("email", "A-crm A-other")]
    [InlineData("start of an email", "A-crm A-other")]
    [InlineData("key name", "A-crm B-crm")]
    [InlineData("key name in capitals", "A-crm B-crm")]
    [InlineData("start of a key", "A-crm")]
    [InlineData("key as shown", "A-other")]
    [InlineData("whole pasted key", "B-crm")]
    public async Task Search_finds_exactly_the_keys_of_each_kind(string kind, string expected)
    {
        var tag = $"s{Guid.NewGuid():N}"[..11];
        var ownerA = await browser.App.NewOwnerAsync("finder-a");
        var ownerB = await browser.App.NewOwnerAsync("finder-b");
        var keys = new Dictionary<string, CreatedApiKey>
        {
            ["A-crm"] = await browser.App.NewKeyAsync(ownerA, [Permissions.MemoryRead], name: $"{tag}-crm"),
            ["A-other"] = await browser.App.NewKeyAsync(ownerA, [Permissions.MemoryRead], ApiKeyEnvironment.Test, name: $"other-{tag}"),
            ["B-crm"] = await browser.App.NewKeyAsync(ownerB, [Permissions.MemoryRead], name: $"{tag}-crm"),
        };
        var search = kind switch
        {
            "email" => ownerA.UserName!,
            "start of an email" => ownerA.UserName!.Split('@')[0],
            "key name" => $"{tag}-crm",
            "key name in capitals" => $"{tag}-CRM".ToUpperInvariant(),
            "start of a key" => keys["A-crm"].Key.DisplayKey[..13],
            "key as shown" => keys["A-other"].Key.DisplayKey,
            _ => keys["B-crm"].Secret,
        };
        var (page, _) = await BrowserFlows.SignedInAdminAsync(browser);
        await BrowserFlows.OpenAdminKeysAsync(page);

        await BrowserFlows.AdminSearch(page).FillAsync(search);

        var rows = page.Locator("table tbody tr").Filter(new() { Has = page.Locator("td[data-label='Key']") });
        var wanted = expected.Split(' ');
        await Assertions.Expect(rows).ToHaveCountAsync(wanted.Length);
        foreach (var label in wanted)
        {
            var key = keys[label];
            var row = rows.Filter(new() { HasText = key.Key.DisplayKey });
            await Assertions.Expect(row).ToHaveCountAsync(1);
            await Assertions.Expect(BrowserFlows.Cell(row, "Owner")).ToHaveTextAsync(label.StartsWith('A') ? ownerA.UserName! : ownerB.UserName!);
            await Assertions.Expect(BrowserFlows.Cell(row, "Name")).ToHaveTextAsync(key.Key.Name);
            await Assertions.Expect(BrowserFlows.Cell(row, "Environment")).ToHaveTextAsync(label == "A-other" ? "Test" : "Live");
        }

        PageProblems.AssertNone(page, $"searching by {kind}");
    }

    [Fact]
    public async Task Revoke_all_stops_every_working_key_of_the_account_and_only_those()
    {
        var owner = await browser.App.NewOwnerAsync("compromised");
        var live = await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead], name: "live-agent");
        var test = await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead], ApiKeyEnvironment.Test, name: "test-agent");
        var retired = await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead], name: "retired-agent");
        Assert.True((await browser.App.Services.GetRequiredService<ApiKeyStore>().RevokeAsync(owner, retired.Key.Id, "no longer needed")).Succeeded);
        var bystander = await browser.App.NewKeyAsync(await browser.App.NewOwnerAsync("bystander"), [Permissions.MemoryRead], name: "live-agent");
        var (page, admin) = await BrowserFlows.SignedInAdminAsync(browser);
        await BrowserFlows.OpenAdminKeysAsync(page);
        await BrowserFlows.AdminSearch(page).FillAsync(owner.UserName!);
        var rows = page.Locator("table tbody tr").Filter(new() { Has = page.Locator("td[data-label='Key']") });
        await Assertions.Expect(rows).ToHaveCountAsync(3);

        await page.GetByRole(AriaRole.Button, new() { Name = $"Revoke all keys of {owner.UserName}" }).First.ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog.GetByRole(AriaRole.Heading, new() { Name = $"Revoke all keys of {owner.UserName}?" })).ToBeVisibleAsync();
        await Assertions.Expect(dialog).ToContainTextAsync($"Every API key of {owner.UserName} that still works stops working immediately, in live and test.");
        var confirm = dialog.GetByRole(AriaRole.Button, new() { Name = "Revoke all", Exact = true });
        await Assertions.Expect(confirm).ToBeDisabledAsync();
        await dialog.GetByLabel("Reason").FillAsync("account credentials phished");
        await confirm.ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByText($"Revoked 2 key(s) of {owner.UserName}.")).ToBeVisibleAsync();
        foreach (var (key, reason) in new[] { (live, "Admin: account credentials phished"), (test, "Admin: account credentials phished"), (retired, "Owner: no longer needed") })
        {
            var status = BrowserFlows.Cell(rows.Filter(new() { HasText = key.Key.DisplayKey }), "Status");
            await Assertions.Expect(status.GetByTestId("key-status")).ToHaveTextAsync("Revoked");
            await Assertions.Expect(status.Locator(".revocation-reason")).ToHaveTextAsync(reason);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await BrowserFlows.ApiStatusAsync(browser, live.Secret));
        Assert.Equal(HttpStatusCode.Unauthorized, await BrowserFlows.ApiStatusAsync(browser, test.Secret));
        Assert.Equal(HttpStatusCode.OK, await BrowserFlows.ApiStatusAsync(browser, bystander.Secret));

        await page.GotoAsync("/admin/audit-log");
        var bulk = BrowserFlows.AuditRows(page)
            .Filter(new() { Has = page.Locator("td[data-label='Event']").GetByText("all keys revoked", new() { Exact = true }) })
            .Filter(new() { Has = page.Locator("td[data-label='Account']").GetByText(owner.UserName!, new() { Exact = true }) });
        await Assertions.Expect(bulk).ToHaveCountAsync(1);
        await Assertions.Expect(BrowserFlows.Cell(bulk, "What changed")).ToHaveTextAsync("2 working key(s) revoked by an administrator: account credentials phished");
        await Assertions.Expect(BrowserFlows.Cell(bulk, "Actor")).ToHaveTextAsync(admin.UserName!);
        PageProblems.AssertNone(page, "revoking all keys of an account");
    }

    [Fact]
    public async Task A_keys_History_button_opens_the_admin_log_of_that_key()
    {
        var owner = await browser.App.NewOwnerAsync("history");
        var key = await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead], name: "audited-agent");
        var updated = await browser.App.Services.GetRequiredService<ApiKeyStore>()
            .UpdateAsync(owner, key.Key.Id, new UpdateApiKeyRequest("renamed-agent", [Permissions.MemoryRead]));
        Assert.True(updated.Succeeded, updated.Error?.Message);
        await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead], name: "unrelated-agent");
        var (page, _) = await BrowserFlows.SignedInAdminAsync(browser);
        await BrowserFlows.OpenAdminKeysAsync(page);
        await BrowserFlows.AdminSearch(page).FillAsync(owner.UserName!);
        await Assertions.Expect(page.Locator("table tbody tr").Filter(new() { Has = page.Locator("td[data-label='Key']") })).ToHaveCountAsync(2);

        await page.GetByRole(AriaRole.Link, new() { Name = $"History of renamed-agent ({key.Key.DisplayKey})" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/admin/audit-log\\?key={key.Key.Id}$"));
        await Assertions.Expect(page.GetByTestId("key-filter")).ToHaveTextAsync("Key: renamed-agent");
        var rows = BrowserFlows.AuditRows(page);
        await Assertions.Expect(BrowserFlows.Cell(rows, "Event")).ToHaveTextAsync(["key.updated", "key.created"]);
        await Assertions.Expect(BrowserFlows.Cell(rows, "Account")).ToHaveTextAsync([owner.UserName!, owner.UserName!]);
        await Assertions.Expect(BrowserFlows.Cell(rows.First, "What changed")).ToHaveTextAsync("renamed audited-agent → renamed-agent");
        PageProblems.AssertNone(page, "an admin's History button");
    }

    // Search, revoke with a reason and revoke all, with Tab, Enter and typing only.
    [Fact]
    public async Task Search_revoke_and_revoke_all_work_by_keyboard_alone()
    {
        var owner = await browser.App.NewOwnerAsync("kb-target");
        var leaked = await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead], name: "leaked-agent");
        var sibling = await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead], name: "sibling-agent");
        var (page, _) = await BrowserFlows.SignedInAdminAsync(browser);
        await BrowserFlows.OpenAdminKeysAsync(page);

        await BrowserFlows.TabToAsync(page, BrowserFlows.AdminSearch(page));
        await page.Keyboard.TypeAsync(leaked.Secret);
        var rows = page.Locator("table tbody tr").Filter(new() { Has = page.Locator("td[data-label='Key']") });
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(BrowserFlows.Cell(rows, "Key")).ToHaveTextAsync(leaked.Key.DisplayKey);

        await BrowserFlows.TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = $"Revoke leaked-agent ({leaked.Key.DisplayKey})" }));
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByRole(AriaRole.Dialog);
        await BrowserFlows.TabToAsync(page, dialog.GetByLabel("Reason"));
        await page.Keyboard.TypeAsync("posted in a forum");
        await BrowserFlows.TabToAsync(page, dialog.GetByRole(AriaRole.Button, new() { Name = "Revoke", Exact = true }));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await Assertions.Expect(BrowserFlows.Cell(rows, "Status").Locator(".revocation-reason")).ToHaveTextAsync("Admin: posted in a forum");
        Assert.Equal(HttpStatusCode.Unauthorized, await BrowserFlows.ApiStatusAsync(browser, leaked.Secret));
        Assert.Equal(HttpStatusCode.OK, await BrowserFlows.ApiStatusAsync(browser, sibling.Secret));

        await BrowserFlows.TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = $"Revoke all keys of {owner.UserName}" }));
        await page.Keyboard.PressAsync("Enter");
        dialog = page.GetByRole(AriaRole.Dialog);
        await BrowserFlows.TabToAsync(page, dialog.GetByLabel("Reason"));
        await page.Keyboard.TypeAsync("account compromised");
        await BrowserFlows.TabToAsync(page, dialog.GetByRole(AriaRole.Button, new() { Name = "Revoke all", Exact = true }));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByText($"Revoked 1 key(s) of {owner.UserName}.")).ToBeVisibleAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, await BrowserFlows.ApiStatusAsync(browser, sibling.Secret));
        PageProblems.AssertNone(page, "the admin console by keyboard");
    }

    // All API keys is wider than a phone today (issue 17: it is wider than a 1366 px window): the
    // flow is run at 390 px, the overflow not asserted.
    [Fact]
    public async Task Search_and_revoke_work_on_a_390_pixel_screen()
    {
        var owner = await browser.App.NewOwnerAsync("narrow-target");
        var key = await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead], name: "phone-found-agent");
        var (page, _) = await BrowserFlows.SignedInAdminAsync(browser, narrow: true);
        await BrowserFlows.OpenAdminKeysAsync(page);

        await BrowserFlows.AdminSearch(page).FillAsync(key.Key.DisplayKey[..13]);
        var row = BrowserFlows.KeyRow(page, "phone-found-agent");
        await Assertions.Expect(page.Locator("table tbody tr").Filter(new() { Has = page.Locator("td[data-label='Key']") })).ToHaveCountAsync(1);
        await Assertions.Expect(BrowserFlows.Cell(row, "Owner")).ToHaveTextAsync(owner.UserName!);
        BrowserFlows.AssertNoProblemsWhileTooWide(page, "the admin console");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Revoke phone-found-agent ({key.Key.DisplayKey})" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Reason").FillAsync("found on a phone");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Revoke", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await Assertions.Expect(BrowserFlows.Cell(row, "Status").GetByTestId("key-status")).ToHaveTextAsync("Revoked");
        Assert.Equal(HttpStatusCode.Unauthorized, await BrowserFlows.ApiStatusAsync(browser, key.Secret));
        BrowserFlows.AssertNoProblemsWhileTooWide(page, "the admin console after a revocation");
    }
}
