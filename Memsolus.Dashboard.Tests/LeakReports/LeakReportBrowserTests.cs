using System.Net;
using Memsolus.Dashboard.ApiKeys;
using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.LeakReports;

// In Chromium, under the real Content-Security-Policy: the owner picks "Quarantine" under "When a
// key of mine is found leaked"; a stranger, signed in to nothing, pastes the key on /report-leak;
// the key is quarantined (not revoked), the owner gets the mail, and their next visit to API Keys
// shows the banner until they dismiss it.
[Collection(BrowserCollection.Name)]
public sealed class LeakReportBrowserTests(BrowserFixture browser)
{
    private const string FoundAt = "https://gist.example/octo/123";

    [Fact]
    public async Task A_key_reported_on_the_page_is_quarantined_as_the_owner_chose_and_the_owner_sees_the_banner()
    {
        var (page, owner) = await BrowserFlows.SignedInOwnerAsync(browser, "leak");
        var key = await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead], name: "leaky-agent");
        await BrowserSession.OpenApiKeysAsync(page);
        await Assertions.Expect(page.GetByTestId("leak-banner")).ToHaveCountAsync(0);
        var settings = page.GetByTestId("leak-settings");
        await Assertions.Expect(settings.GetByRole(AriaRole.Heading, new() { Name = "When a key of mine is found leaked" })).ToBeVisibleAsync();
        var quarantine = settings.GetByRole(AriaRole.Radio, new() { Name = "Quarantine", Exact = true });
        await Assertions.Expect(settings.GetByRole(AriaRole.Radio, new() { Name = "Revoke", Exact = true })).ToBeCheckedAsync();
        await Assertions.Expect(quarantine).ToBeEnabledAsync();
        await quarantine.CheckAsync();
        await Assertions.Expect(quarantine).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByText("A leaked key will now be quarantined.")).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(page, "API Keys with the leak setting");

        var stranger = await browser.NewPageAsync();
        await stranger.GotoAsync("/report-leak");
        await Assertions.Expect(stranger.GetByRole(AriaRole.Heading, new() { Name = "Report a leaked key" })).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(stranger, "the report page");
        await stranger.GetByLabel("API key you found").FillAsync(key.Secret);
        await stranger.GetByLabel("Where you found it (optional)").FillAsync(FoundAt);
        await stranger.GetByRole(AriaRole.Button, new() { Name = "Report key" }).ClickAsync();
        await Assertions.Expect(stranger.GetByTestId("report-received")).ToContainTextAsync("its owner has been told");
        Assert.DoesNotContain(key.Secret, await stranger.ContentAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(key.Secret, stranger.Url, StringComparison.Ordinal);
        Assert.DoesNotContain("leaky-agent", await stranger.ContentAsync(), StringComparison.Ordinal);
        PageProblems.AssertNone(stranger, "reporting a leaked key");

        // Quarantined, not revoked: it still answers (what it may do is the quarantine's business).
        Assert.Equal(HttpStatusCode.OK, await BrowserFlows.ApiStatusAsync(browser, key.Secret));
        var mail = await NextLeakMailAsync(owner.UserName!);
        Assert.Contains("It was quarantined", mail.Text, StringComparison.Ordinal);
        Assert.Contains(FoundAt, mail.Text, StringComparison.Ordinal);

        await BrowserSession.OpenApiKeysAsync(page);
        var banner = page.GetByTestId("leak-banner");
        await Assertions.Expect(banner).ToContainTextAsync("One of your keys was found leaked.");
        await Assertions.Expect(banner).ToContainTextAsync($"leaky-agent ({key.Key.DisplayKey}), found at {FoundAt} by someone who reported it");
        await Assertions.Expect(banner).ToContainTextAsync("it is quarantined (read only).");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "API Keys with the leak banner");
        await banner.GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(banner).ToHaveCountAsync(0);

        await BrowserSession.OpenApiKeysAsync(page);
        await Assertions.Expect(page.GetByTestId("leak-settings").GetByRole(AriaRole.Radio, new() { Name = "Quarantine", Exact = true })).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByTestId("leak-banner")).ToHaveCountAsync(0);
        PageProblems.AssertNone(page, "the leak setting and banner");
    }

    private async Task<ReceivedMail> NextLeakMailAsync(string to)
    {
        while (true)
        {
            var mail = await browser.Mail.NextMailToAsync(to);
            if (mail.Message.Subject?.Contains("found leaked", StringComparison.Ordinal) == true)
            {
                return mail;
            }
        }
    }
}
