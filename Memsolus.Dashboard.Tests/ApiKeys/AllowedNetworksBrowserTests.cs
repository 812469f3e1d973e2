using System.Net;
using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.ApiKeys;

// "Allowed IP addresses" clicked through in Chromium: a key made in the New API Key dialog with an
// allowlist that leaves out this machine is refused by the API (the test's own requests come from
// 127.0.0.1, as the browser's do), the list shows it as IP-restricted, and adding 127.0.0.1 in the
// Edit dialog lets the next request in. A bad entry is explained under the field.
[Collection(BrowserCollection.Name)]
public sealed class AllowedNetworksBrowserTests(BrowserFixture browser)
{
    private const string Label = "Allowed IP addresses";

    [Fact]
    public async Task An_allowlist_set_in_the_new_key_dialog_refuses_this_machine_until_the_edit_dialog_adds_it()
    {
        var (page, _) = await BrowserFlows.SignedInOwnerAsync(browser, "allowlist");
        await (await BrowserSession.OpenApiKeysAsync(page)).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Name").FillAsync("office-agent");
        await dialog.GetByRole(AriaRole.Checkbox, new() { Name = "memory.read", Exact = true }).CheckAsync();
        var field = dialog.GetByLabel(Label);
        await Assertions.Expect(dialog.GetByText("One per line or comma separated; empty means any")).ToBeVisibleAsync();

        await field.FillAsync("192.0.2.0/24\nfe80::1%eth0");
        await Assertions.Expect(dialog.GetByText("Line 2: \"fe80::1%eth0\" has a zone id (%…); enter the address without it.")).ToBeVisibleAsync();
        var create = dialog.GetByRole(AriaRole.Button, new() { Name = "Create" });
        await Assertions.Expect(create).ToBeDisabledAsync();

        await field.FillAsync("192.0.2.0/24, 2001:db8::/32");
        await Assertions.Expect(create).ToBeEnabledAsync();
        await create.ClickAsync();
        var secret = await BrowserFlows.ReadSecretAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);

        var row = BrowserFlows.KeyRow(page, "office-agent");
        // The chip, with the list on hover.
        var chip = BrowserFlows.Cell(row, "Permissions").Locator("[title^='Allowed IP addresses:']");
        await Assertions.Expect(chip).ToHaveTextAsync("IP allowlist");
        await Assertions.Expect(chip).ToHaveAttributeAsync("title", "Allowed IP addresses: 192.0.2.0/24, 2001:db8::/32");
        Assert.Equal(HttpStatusCode.Forbidden, await BrowserFlows.ApiStatusAsync(browser, secret));

        await row.GetByRole(AriaRole.Button, new() { Name = "Edit office-agent" }).ClickAsync();
        dialog = page.GetByRole(AriaRole.Dialog);
        field = dialog.GetByLabel(Label);
        await Assertions.Expect(field).ToHaveValueAsync("192.0.2.0/24\n2001:db8::/32");
        var save = dialog.GetByRole(AriaRole.Button, new() { Name = "Save" });
        await Assertions.Expect(save).ToBeDisabledAsync();
        await field.FillAsync("192.0.2.0/24\n2001:db8::/32\n127.0.0.1");
        await Assertions.Expect(save).ToBeEnabledAsync();
        await save.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await Assertions.Expect(chip).ToHaveAttributeAsync("title", "Allowed IP addresses: 192.0.2.0/24, 2001:db8::/32, 127.0.0.1/32");

        Assert.Equal(HttpStatusCode.OK, await BrowserFlows.ApiStatusAsync(browser, secret));
        PageProblems.AssertNone(page, "setting a key's allowed IP addresses");
    }
}
