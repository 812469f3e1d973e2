using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.Webhooks;

// The whole path in a real browser, on each database provider: add an endpoint and see its signing
// secret once, send a test event and watch it arrive in the delivery log with the status code the
// receiver answered, then redeliver it and see its second attempt; the dispatcher is the app's own,
// the receiver a WebhookReceiver on 127.0.0.1.
public abstract partial class WebhookDeliveryLogBrowserTests(BrowserFixture browser, MemsolusAppFactory app)
{
    [Fact]
    public async Task Add_an_endpoint_see_its_secret_once_send_a_test_event_and_redeliver_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync(answers: [202]);
        var url = receiver.UrlOf("/hooks/from-the-screen");
        var (page, _) = await WebhookBrowser.SignedInOwnerAsync(browser, app, "webhook-log");
        await WebhookBrowser.OpenAsync(page);
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the Webhooks page without endpoints");

        await page.GetByTestId("empty-state").GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Endpoint URL").FillAsync(url);
        await dialog.GetByLabel("Description").FillAsync("Receiver in the test");
        await dialog.GetByRole(AriaRole.Checkbox, new() { Name = "memory.created", Exact = true }).CheckAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the Add endpoint dialog");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }).ClickAsync();

        var secretField = page.GetByRole(AriaRole.Dialog).GetByLabel("Signing secret", new() { Exact = true });
        await Assertions.Expect(secretField).ToHaveValueAsync(Secret());
        var secret = await secretField.InputValueAsync();
        await Assertions.Expect(page.GetByText("This secret is shown only once.")).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the signing secret dialog");
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Copied to the clipboard.")).ToBeVisibleAsync();
        Assert.Equal(secret, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await Assertions.Expect(WebhookBrowser.Row(page, url)).ToHaveCountAsync(1);
        Assert.DoesNotContain(secret, await page.ContentAsync());

        // Not on reload either; and the page that showed it is never cached: exactly SecurityHeaders'
        // value for [ShowsSecret], not antiforgery's "no-cache, no-store" (see SecurityHeadersTests).
        var reloaded = await page.ReloadAsync();
        Assert.Equal("no-store", reloaded!.Headers["cache-control"]);
        await Assertions.Expect(page.GetByTestId("test-mode-switch")).ToHaveAttributeAsync("data-circuit", "live");
        await Assertions.Expect(WebhookBrowser.Row(page, url)).ToHaveCountAsync(1);
        Assert.DoesNotContain(secret, await page.ContentAsync());

        // The delivery log: a test event arrives signed with that secret and its answer shows without a reload.
        await WebhookBrowser.Row(page, url).GetByRole(AriaRole.Link, new() { Name = $"Delivery log of {url}" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/webhooks/[0-9a-f-]{36}$"));
        var send = page.GetByRole(AriaRole.Button, new() { Name = "Send test event" });
        await Assertions.Expect(send).ToBeEnabledAsync();
        await Assertions.Expect(page.GetByTestId("no-deliveries")).ToBeVisibleAsync();
        await send.ClickAsync();

        var ping = await receiver.NextAsync();
        Assert.Equal("/hooks/from-the-screen", ping.Path);
        Assert.True(WebhookTestApi.SignatureIsValid(ping, secret, out _), $"Bad signature {ping.Signature}");
        Assert.Equal("ping", ping.Json().GetProperty("type").GetString());
        var delivery = WebhookBrowser.Deliveries(page);
        await Assertions.Expect(delivery.GetByTestId("delivery-status")).ToHaveTextAsync("Succeeded");
        await Assertions.Expect(delivery.GetByTestId("delivery-result")).ToHaveTextAsync("HTTP 202");
        await Assertions.Expect(delivery.GetByTestId("attempt")).ToHaveCountAsync(1);
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the delivery log");

        // Redeliver: the same event again, as the delivery's second attempt.
        await delivery.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Redeliver ping event ") }).ClickAsync();
        var again = await receiver.NextAsync();
        Assert.Equal(ping.Body, again.Body);
        await Assertions.Expect(delivery.GetByTestId("attempt")).ToHaveCountAsync(2);
        await Assertions.Expect(delivery.GetByTestId("attempt-status").Nth(1)).ToHaveTextAsync("HTTP 200");
        await Assertions.Expect(delivery.GetByTestId("delivery-attempts")).ToHaveTextAsync("2 attempts");
        await Assertions.Expect(delivery.GetByTestId("delivery-status")).ToHaveTextAsync("Succeeded");
        Assert.Equal(2, receiver.Requests.Count);
        PageProblems.AssertNone(page, "the delivery log after a redelivery");
    }

    [GeneratedRegex("^whsec_[0-9A-Za-z]{40}$")]
    private static partial Regex Secret();

    [Collection(BrowserCollection.Name)]
    public sealed class OnSqlite(BrowserFixture browser, AppFixture<WebhookBrowser.Hosts.Sqlite> host)
        : WebhookDeliveryLogBrowserTests(browser, host.App), IClassFixture<AppFixture<WebhookBrowser.Hosts.Sqlite>>;

    [Collection(BrowserCollection.Name)]
    public sealed class OnPostgres(BrowserFixture browser, AppFixture<WebhookBrowser.Hosts.Postgres> host)
        : WebhookDeliveryLogBrowserTests(browser, host.App), IClassFixture<AppFixture<WebhookBrowser.Hosts.Postgres>>;
}
