using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.ApiKeys;

[Collection(BrowserCollection.Name)]
public sealed partial class ApiKeysBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Owner_creates_copies_once_edits_rotates_and_revokes_a_key()
    {
        var page = await browser.NewPageAsync();
        var email = await BrowserSession.RegisterAsync(browser, page, "keys");
        var newKey = await BrowserSession.OpenApiKeysAsync(page);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "API Keys", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("empty-state")).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the empty API Keys page");

        // Create production-agent with memory.read and knowledge.read.
        await newKey.ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        var create = dialog.GetByRole(AriaRole.Button, new() { Name = "Create" });
        await Assertions.Expect(create).ToBeDisabledAsync();
        await dialog.GetByLabel("Name").FillAsync("production-agent");
        await dialog.GetByRole(AriaRole.Checkbox, new() { Name = "memory.read", Exact = true }).CheckAsync();
        await dialog.GetByRole(AriaRole.Checkbox, new() { Name = "knowledge.read", Exact = true }).CheckAsync();
        await Assertions.Expect(create).ToBeEnabledAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the New API Key dialog");
        await create.ClickAsync();

        var secret = await ReadSecretAsync(page);
        Assert.Matches(LiveKey(), secret);
        await Assertions.Expect(page.GetByText("This key is shown only once")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("export-line")).ToHaveTextAsync($"export MEMSOLUS_API_KEY={secret}");
        await Assertions.Expect(page.GetByTestId("curl-example")).ToContainTextAsync("-H \"X-Api-Key: $MEMSOLUS_API_KEY\"");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the secret dialog");

        await page.GetByRole(AriaRole.Button, new() { Name = "Copy" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Copied to the clipboard.")).ToBeVisibleAsync();
        Assert.Equal(secret, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        using var api = new HttpClient { BaseAddress = browser.BaseAddress };
        api.DefaultRequestHeaders.Add("X-Api-Key", secret);
        using (var me = await api.GetAsync("/api/v1/me"))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            Assert.Contains("\"name\":\"production-agent\"", await me.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var display = $"{secret[..13]}…{secret[41..45]}";
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "production-agent" });
        await Assertions.Expect(row).ToContainTextAsync(display);
        await Assertions.Expect(row).ToContainTextAsync("Never");
        await Assertions.Expect(row).ToContainTextAsync("Active");
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);

        await page.ReloadAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = display })).ToHaveCountAsync(1);
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Edit production-agent" })).ToBeEnabledAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the API Keys list");

        // Edit: rename and add a permission.
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit production-agent" }).ClickAsync();
        dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Name").FillAsync("crm-integration");
        await dialog.GetByRole(AriaRole.Checkbox, new() { Name = "memory.write", Exact = true }).CheckAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the Edit dialog");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "crm-integration" });
        await Assertions.Expect(row).ToContainTextAsync("memory.read, memory.write, knowledge.read");

        // Rotate: the old key stops immediately; the new one is shown once.
        await page.GetByRole(AriaRole.Button, new() { Name = "Rotate crm-integration" }).ClickAsync();
        dialog = page.GetByRole(AriaRole.Dialog);
        foreach (var choice in new[] { "Immediately", "In 1 hour", "In 24 hours", "In 7 days" })
        {
            await Assertions.Expect(dialog.GetByRole(AriaRole.Radio, new() { Name = choice })).ToHaveCountAsync(1);
        }

        await dialog.GetByRole(AriaRole.Radio, new() { Name = "Immediately" }).CheckAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the Rotate dialog");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Rotate" }).ClickAsync();
        var rotated = await ReadSecretAsync(page);
        Assert.Matches(LiveKey(), rotated);
        Assert.NotEqual(secret, rotated);
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        var newDisplay = $"{rotated[..13]}…{rotated[41..45]}";
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = newDisplay })).ToContainTextAsync("Active");
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = display })).ToHaveCountAsync(0);
        using (var old = new HttpClient { BaseAddress = browser.BaseAddress })
        {
            old.DefaultRequestHeaders.Add("X-Api-Key", secret);
            using var me = await old.GetAsync("/api/v1/me");
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        }

        // Revoke the new key, with a reason.
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke crm-integration" }).ClickAsync();
        dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToContainTextAsync(newDisplay);
        await dialog.GetByLabel("Reason (optional)").FillAsync("integration retired");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the Revoke dialog");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = newDisplay })).ToHaveCountAsync(0);

        using (var revoked = new HttpClient { BaseAddress = browser.BaseAddress })
        {
            revoked.DefaultRequestHeaders.Add("X-Api-Key", rotated);
            using var me = await revoked.GetAsync("/api/v1/me");
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        }

        await page.GetByLabel("Show revoked").CheckAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = newDisplay })).ToContainTextAsync("Revoked");
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = newDisplay })).ToContainTextAsync("integration retired");
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = display })).ToContainTextAsync("Rotated");

        // Every change left an audit event naming who did it and from where.
        await using (var db = await browser.App.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync())
        {
            var events = await db.AuditEvents.Where(e => e.ActorName == email).OrderBy(e => e.Id).ToListAsync();
            Assert.Equal(["key.created", "key.updated", "key.rotated", "key.revoked"], events.Select(e => e.EventType));
            Assert.All(events, e =>
            {
                Assert.Equal("127.0.0.1", e.ClientIp);
                Assert.Contains("Chrome", e.UserAgent, StringComparison.Ordinal);
            });
            Assert.Contains("integration retired", events[^1].Details, StringComparison.Ordinal);
        }

        // Neither key was stored or logged anywhere.
        foreach (var key in new[] { secret, rotated })
        {
            AssertDatabaseDoesNotContain(key);
            Assert.DoesNotContain(browser.App.Logs.Lines(), line => line.Contains(key, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_whole_create_flow_works_from_the_keyboard()
    {
        var page = await browser.NewPageAsync();
        await BrowserSession.RegisterAsync(browser, page, "keyboard");
        var newKey = await BrowserSession.OpenApiKeysAsync(page);

        await newKey.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await TabToAsync(page, dialog.GetByLabel("Name"));
        await page.Keyboard.TypeAsync("keyboard-agent");

        var memoryRead = dialog.GetByRole(AriaRole.Checkbox, new() { Name = "memory.read", Exact = true });
        await TabToAsync(page, memoryRead);
        await page.Keyboard.PressAsync("Space");
        await Assertions.Expect(memoryRead).ToBeCheckedAsync();

        var create = dialog.GetByRole(AriaRole.Button, new() { Name = "Create" });
        await TabToAsync(page, create);
        await page.Keyboard.PressAsync("Enter");

        var secret = await ReadSecretAsync(page);
        Assert.Matches(LiveKey(), secret);
        await TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Done" }));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "keyboard-agent" })).ToContainTextAsync("Active");
    }

    private static async Task<string> ReadSecretAsync(IPage page)
    {
        var field = page.GetByRole(AriaRole.Dialog).GetByLabel("API key", new() { Exact = true });
        await Assertions.Expect(field).ToHaveValueAsync(LiveKey());
        return await field.InputValueAsync();
    }

    // Presses Tab, never clicks, until the element has focus; a bounded number of times.
    private static async Task TabToAsync(IPage page, ILocator target)
    {
        for (var presses = 0; presses < 60; presses++)
        {
            if (await target.EvaluateAsync<bool>("el => el === document.activeElement"))
            {
                return;
            }

            await page.Keyboard.PressAsync("Tab");
        }

        Assert.Fail("The element could not be reached with the Tab key.");
    }

    private void AssertDatabaseDoesNotContain(string secret)
    {
        var needle = Encoding.UTF8.GetBytes(secret);
        foreach (var file in new[] { browser.App.Database, browser.App.Database + "-wal" })
        {
            if (!File.Exists(file))
            {
                continue;
            }

            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            Assert.True(copy.ToArray().AsSpan().IndexOf(needle) < 0, $"{Path.GetFileName(file)} contains the full key");
        }
    }

    [GeneratedRegex("^msk_live_[0-9A-Za-z]{42}$")]
    private static partial Regex LiveKey();
}
