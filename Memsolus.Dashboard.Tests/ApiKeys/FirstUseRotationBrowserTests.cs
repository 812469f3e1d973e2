using System.Net;
using Memsolus.Dashboard.ApiKeys;
using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.ApiKeys;

// Rotation "When the new key is first used" clicked through in Chromium: the old key's row waits,
// both keys work, the new key's first call through the API stops the old one, and a reload shows it.
[Collection(BrowserCollection.Name)]
public sealed class FirstUseRotationBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Rotating_for_the_new_keys_first_use_waits_then_stops_the_old_key_once_the_new_one_is_used()
    {
        var (page, owner) = await BrowserFlows.SignedInOwnerAsync(browser, "first-use");
        var old = await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead], name: "waiting-agent");
        await BrowserSession.OpenApiKeysAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = $"Rotate waiting-agent ({old.Key.DisplayKey})" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        var choice = dialog.GetByRole(AriaRole.Radio, new() { Name = "When the new key is first used" });
        await choice.CheckAsync();
        await Assertions.Expect(choice).ToBeCheckedAsync();
        await Assertions.Expect(dialog).ToContainTextAsync("first successful request made with the new key");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Rotate" }).ClickAsync();
        var rotated = await BrowserFlows.ReadSecretAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);

        var oldRow = page.Locator("table tbody tr").Filter(new() { HasText = old.Key.DisplayKey });
        var newRow = page.Locator("table tbody tr").Filter(new() { HasText = $"{rotated[..13]}…{rotated[41..45]}" });
        await Assertions.Expect(BrowserFlows.Cell(oldRow, "Status").GetByTestId("key-status")).ToHaveTextAsync("Rotated");
        await Assertions.Expect(BrowserFlows.Cell(oldRow, "Status").GetByTestId("key-waits")).ToHaveTextAsync("waiting for first use");
        await Assertions.Expect(BrowserFlows.Cell(newRow, "Status").GetByTestId("key-status")).ToHaveTextAsync("Active");
        Assert.Equal(HttpStatusCode.OK, await BrowserFlows.ApiStatusAsync(browser, old.Secret));

        Assert.Equal(HttpStatusCode.OK, await BrowserFlows.ApiStatusAsync(browser, rotated));

        Assert.Equal(HttpStatusCode.Unauthorized, await BrowserFlows.ApiStatusAsync(browser, old.Secret));
        await BrowserSession.OpenApiKeysAsync(page);
        await Assertions.Expect(BrowserFlows.Cell(newRow, "Status").GetByTestId("key-status")).ToHaveTextAsync("Active");
        await Assertions.Expect(oldRow).ToHaveCountAsync(0);
        await page.GetByLabel("Show revoked").CheckAsync();
        await Assertions.Expect(BrowserFlows.Cell(oldRow, "Status").GetByTestId("key-status")).ToHaveTextAsync("Rotated");
        await Assertions.Expect(page.GetByTestId("key-waits")).ToHaveCountAsync(0);
        PageProblems.AssertNone(page, "rotating for the new key's first use");
    }
}
