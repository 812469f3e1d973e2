using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.Webhooks;

// The Webhooks page in a real browser: Disable/Enable, Delete with its confirmation, the main flow
// by keyboard alone, test mode, and the layout at a phone's, a tablet's, a laptop's and a desktop's
// width with long URLs (issue 17, "fits every window").
[Collection(BrowserCollection.Name)]
public sealed partial class WebhooksBrowserTests(BrowserFixture browser, AppFixture<WebhookBrowser.Hosts.Sqlite> host)
    : IClassFixture<AppFixture<WebhookBrowser.Hosts.Sqlite>>
{
    public static readonly TheoryData<int> Widths = [390, 768, 1366, 1920];

    private MemsolusAppFactory App => host.App;

    [Fact]
    public async Task Disable_and_Enable_switch_an_endpoint_and_Delete_asks_before_removing_it()
    {
        var (page, owner) = await WebhookBrowser.SignedInOwnerAsync(browser, App, "webhook-rows");
        var webhook = await WebhookBrowser.CreateAsync(App, owner, "https://hooks.example.com/crm", description: "CRM sync");
        await WebhookBrowser.OpenAsync(page);
        var row = WebhookBrowser.Row(page, webhook.Url);
        var store = App.Services.GetRequiredService<WebhookStore>();
        var caller = new Memsolus.Dashboard.Api.ApiCaller(owner.UserId, ApiKeyEnvironment.Live, Guid.Empty);

        await row.GetByRole(AriaRole.Button, new() { Name = $"Disable {webhook.Url}" }).ClickAsync();
        await Assertions.Expect(row.GetByTestId("webhook-status")).ToHaveTextAsync("Disabled");
        Assert.False((await store.GetAsync(caller, webhook.Id, default))!.Enabled);

        await row.GetByRole(AriaRole.Button, new() { Name = $"Enable {webhook.Url}" }).ClickAsync();
        await Assertions.Expect(row.GetByTestId("webhook-status")).ToHaveTextAsync("Enabled");
        Assert.True((await store.GetAsync(caller, webhook.Id, default))!.Enabled);

        await row.GetByRole(AriaRole.Button, new() { Name = $"Delete {webhook.Url}" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToContainTextAsync("its delivery history is deleted with it");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the Delete endpoint dialog");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await Assertions.Expect(row).ToHaveCountAsync(1);

        await row.GetByRole(AriaRole.Button, new() { Name = $"Delete {webhook.Url}" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("empty-state")).ToBeVisibleAsync();
        Assert.Null(await store.GetAsync(caller, webhook.Id, default));
        PageProblems.AssertNone(page, "disabling, enabling and deleting an endpoint");
    }

    // Add an endpoint, copy its secret, send a test event, open its log and redeliver, with Tab,
    // Enter and Space only.
    [Fact]
    public async Task The_main_flow_works_by_keyboard_alone()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var url = receiver.UrlOf("/hooks/keyboard");
        var (page, _) = await WebhookBrowser.SignedInOwnerAsync(browser, App, "webhook-keyboard");
        await WebhookBrowser.OpenAsync(page);

        await BrowserFlows.TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }));
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByRole(AriaRole.Dialog);
        await BrowserFlows.TabToAsync(page, dialog.GetByLabel("Endpoint URL"));
        await page.Keyboard.TypeAsync(url);
        var created = dialog.GetByRole(AriaRole.Checkbox, new() { Name = "memory.created", Exact = true });
        await BrowserFlows.TabToAsync(page, created);
        await page.Keyboard.PressAsync("Space");
        await Assertions.Expect(created).ToBeCheckedAsync();
        await BrowserFlows.TabToAsync(page, dialog.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }));
        await page.Keyboard.PressAsync("Enter");

        var secretField = page.GetByRole(AriaRole.Dialog).GetByLabel("Signing secret", new() { Exact = true });
        await Assertions.Expect(secretField).ToHaveValueAsync(new Regex("^whsec_"));
        var secret = await secretField.InputValueAsync();
        await BrowserFlows.CopySecretAndCloseByKeyboardAsync(page, secret);

        // Send test event from the row: its outcome comes to the row on its own.
        var row = WebhookBrowser.Row(page, url);
        await BrowserFlows.TabToAsync(page, row.GetByRole(AriaRole.Button, new() { Name = $"Send test event to {url}" }));
        await page.Keyboard.PressAsync("Enter");
        await receiver.NextAsync();
        await Assertions.Expect(row.GetByTestId("last-delivery")).ToContainTextAsync("HTTP 200 · ping");
        await Assertions.Expect(row.GetByTestId("last-delivery")).ToContainTextAsync("Succeeded");

        await BrowserFlows.TabToAsync(page, row.GetByRole(AriaRole.Link, new() { Name = $"Delivery log of {url}" }));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/webhooks/[0-9a-f-]{36}$"));
        var delivery = WebhookBrowser.Deliveries(page);
        await Assertions.Expect(delivery.GetByTestId("delivery-status")).ToHaveTextAsync("Succeeded");
        var redeliver = delivery.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Redeliver ping event ") });
        await Assertions.Expect(redeliver).ToBeEnabledAsync();
        await BrowserFlows.TabToAsync(page, redeliver);
        await page.Keyboard.PressAsync("Enter");
        await receiver.NextAsync();
        await Assertions.Expect(delivery.GetByTestId("attempt")).ToHaveCountAsync(2);
        PageProblems.AssertNone(page, "the webhook flow by keyboard");
    }

    // Roll secret from the row, keeping the old secret for the default 24 hours: the next request
    // carries two signatures, the new secret's first, each verifying with its own secret.
    [Fact]
    public async Task After_Roll_secret_a_test_event_is_signed_with_the_new_and_the_old_secret()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (page, owner) = await WebhookBrowser.SignedInOwnerAsync(browser, App, "webhook-roll");
        var url = receiver.UrlOf("/hooks/rolled");
        var created = await WebhookBrowser.CreateAsync(App, owner, url);
        await WebhookBrowser.OpenAsync(page);
        var row = WebhookBrowser.Row(page, url);

        await row.GetByRole(AriaRole.Button, new() { Name = $"Roll secret of {url}" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog.GetByRole(AriaRole.Radio, new() { Name = "24 hours" })).ToBeCheckedAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the Roll secret dialog");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Roll secret", Exact = true }).ClickAsync();
        var field = dialog.GetByLabel("Signing secret", new() { Exact = true });
        await Assertions.Expect(field).ToHaveValueAsync(new Regex("^whsec_[0-9A-Za-z]{40}$"));
        var rolled = await field.InputValueAsync();
        Assert.NotEqual(created.Secret, rolled);
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the rolled secret");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        Assert.DoesNotContain(rolled, await page.ContentAsync());

        await row.GetByRole(AriaRole.Button, new() { Name = $"Send test event to {url}" }).ClickAsync();
        var request = await receiver.NextAsync();

        var parts = request.Signature!.Split(',');
        Assert.Equal(3, parts.Length);
        Assert.StartsWith("t=", parts[0], StringComparison.Ordinal);
        var timestamp = parts[0][2..];
        Assert.Equal($"v1={Signature(rolled, timestamp, request.Body)}", parts[1]);
        Assert.Equal($"v1={Signature(created.Secret, timestamp, request.Body)}", parts[2]);
        PageProblems.AssertNone(page, "rolling a secret");
    }

    [Fact]
    public async Task Test_mode_shows_only_the_test_environments_endpoints()
    {
        var (page, owner) = await WebhookBrowser.SignedInOwnerAsync(browser, App, "webhook-test-mode");
        var live = await WebhookBrowser.CreateAsync(App, owner, "https://live.example.com/hooks");
        var test = await WebhookBrowser.CreateAsync(App, owner, "https://test.example.com/hooks", ApiKeyEnvironment.Test);
        await WebhookBrowser.OpenAsync(page);
        await Assertions.Expect(WebhookBrowser.Row(page, live.Url)).ToHaveCountAsync(1);
        await Assertions.Expect(WebhookBrowser.Row(page, test.Url)).ToHaveCountAsync(0);

        await page.GetByTestId("test-mode-switch").ClickAsync();

        await Assertions.Expect(page.GetByTestId("test-data-marker")).ToBeVisibleAsync();
        await Assertions.Expect(WebhookBrowser.Row(page, test.Url)).ToHaveCountAsync(1);
        await Assertions.Expect(WebhookBrowser.Row(page, live.Url)).ToHaveCountAsync(0);

        // The choice survives a reload, and an endpoint added now is a test one.
        await WebhookBrowser.OpenAsync(page);
        await Assertions.Expect(WebhookBrowser.Row(page, test.Url)).ToHaveCountAsync(1);
        await Assertions.Expect(WebhookBrowser.Row(page, live.Url)).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Endpoint URL").FillAsync("https://test.example.com/added");
        await dialog.GetByRole(AriaRole.Checkbox, new() { Name = "export.completed", Exact = true }).CheckAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Assertions.Expect(WebhookBrowser.Row(page, "https://test.example.com/added")).ToHaveCountAsync(1);

        await page.GetByTestId("test-mode-switch").ClickAsync();
        await Assertions.Expect(page.GetByTestId("test-data-marker")).ToHaveCountAsync(0);
        await Assertions.Expect(WebhookBrowser.Row(page, live.Url)).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("table tbody tr")).ToHaveCountAsync(1);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public async Task The_page_its_dialogs_and_the_delivery_log_fit_the_window_with_long_urls(int width)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (page, owner) = await WebhookBrowser.SignedInOwnerAsync(browser, App, "webhook-layout", width);
        var unbroken = receiver.UrlOf("/" + string.Concat(Enumerable.Repeat("NoPlaceToBreakThisPathSegment", 12)));
        var long1 = await WebhookBrowser.CreateAsync(App, owner, unbroken,
            description: "Forwards every memory of the customer-support agent to the CRM's ingestion queue in eu-west, owned by the platform team");
        await WebhookBrowser.CreateAsync(App, owner, "https://hooks.example.com/" + string.Join("/", Enumerable.Repeat("segment", 40)) + "?token=abc&team=platform");
        var store = App.Services.GetRequiredService<WebhookStore>();
        await store.QueuePingAsync(new(owner.UserId, ApiKeyEnvironment.Live, Guid.Empty), long1.Id, default);
        await receiver.NextAsync();

        await WebhookBrowser.OpenAsync(page);
        await Assertions.Expect(WebhookBrowser.Row(page, unbroken).GetByTestId("last-delivery")).ToContainTextAsync("HTTP 200");
        await BrowserFlows.AssertFitsAsync(page, $"the Webhooks page at {width} px");
        var link = page.Locator("a.webhook-url").First;
        Assert.True(await link.EvaluateAsync<bool>("a => a.scrollWidth > a.clientWidth && getComputedStyle(a).textOverflow === 'ellipsis'"),
            "A long URL should end in an ellipsis rather than wrap or widen its column.");
        Assert.False(string.IsNullOrEmpty(await link.GetAttributeAsync("title")));

        await page.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Endpoint URL").FillAsync(unbroken + "/and-more");
        await Assertions.Expect(dialog.GetByRole(AriaRole.Checkbox, new() { Name = "ingest.completed", Exact = true })).ToBeVisibleAsync();
        await BrowserFlows.AssertFitsAsync(page, $"the Add endpoint dialog at {width} px");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await WebhookBrowser.OpenAsync(page, $"/webhooks/{long1.Id}");
        await Assertions.Expect(WebhookBrowser.Deliveries(page).GetByTestId("delivery-status")).ToHaveTextAsync("Succeeded");
        await BrowserFlows.AssertFitsAsync(page, $"the delivery log at {width} px");
    }

    // What a receiver computes with one secret (WebhookSignature): hex HMAC-SHA256 over "{t}." and the raw body.
    private static string Signature(string secret, string timestamp, byte[] body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.").Concat(body).ToArray()));
}
