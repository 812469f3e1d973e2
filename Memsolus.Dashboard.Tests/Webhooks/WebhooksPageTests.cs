using Bunit;
using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Webhooks;
using Microsoft.Data.Sqlite;

namespace Memsolus.Dashboard.Tests.Webhooks;

public sealed class WebhooksPageTests : WebhookScreenTestContext
{
    [Fact]
    public void Without_endpoints_the_page_explains_webhooks_and_offers_Add_endpoint()
    {
        var page = RenderPage<WebhooksPage>();

        Assert.Equal("Webhooks", Text(page.Find("h1")));
        var empty = page.WaitForElement("[data-testid=empty-state]");
        Assert.Contains("No webhook endpoints yet", Text(empty));
        Assert.Contains("A webhook endpoint is a URL on your server that Memsolus calls when something happens", Text(empty));
        var add = empty.QuerySelectorAll("button").Single(b => Text(b) == "Add endpoint");
        Assert.False(IsDisabled(add));
        Assert.Empty(page.FindAll("table"));
    }

    [Fact]
    public void While_the_owner_is_still_being_read_the_page_shows_it_is_loading()
    {
        Authorization.SetAuthorizing();

        var page = RenderPage<WebhooksPage>();

        Assert.NotNull(page.Find("[aria-label='Loading webhooks']"));
        Assert.Empty(page.FindAll("[data-testid=empty-state]"));
        Assert.Empty(page.FindAll("table"));
    }

    [Fact]
    public async Task When_the_store_fails_the_page_says_so_and_Try_again_loads_the_list()
    {
        await CreateWebhookAsync("https://example.com/hooks/crm");
        Database.Contexts.Unavailable = true;

        var page = RenderPage<WebhooksPage>();

        Assert.Equal("Your webhooks could not be loaded. Try again in a moment.", Text(page.WaitForElement("[data-testid=load-error]")));
        Assert.Empty(page.FindAll("table"));

        Database.Contexts.Unavailable = false;
        Button(page, "Try again").Click();
        page.WaitForAssertion(() => Assert.Single(BodyRows(page)));
        Assert.Empty(page.FindAll("[data-testid=load-error]"));
    }

    [Fact]
    public async Task During_a_database_outage_the_page_shows_the_outage_message()
    {
        await CreateWebhookAsync("https://example.com/hooks/crm");
        var path = new SqliteConnectionStringBuilder(Database.ConnectionString).DataSource;
        File.Move(path, path + ".away");
        Directory.CreateDirectory(path);
        SqliteConnection.ClearAllPools();
        try
        {
            var page = RenderPage<WebhooksPage>();

            Assert.Equal(DatabaseOutage.Message, Text(page.WaitForElement("[data-testid=load-error]")));
        }
        finally
        {
            Directory.Delete(path);
            File.Move(path + ".away", path);
            SqliteConnection.ClearAllPools();
        }
    }

    [Fact]
    public async Task Each_endpoint_is_a_row_with_its_url_description_events_status_and_last_delivery()
    {
        var crm = await CreateWebhookAsync("https://crm.example.com/hooks/memsolus", [WebhookEventTypes.MemoryCreated, WebhookEventTypes.ExportCompleted], "CRM sync");
        var all = await CreateWebhookAsync("https://all.example.com/in", WebhookEventTypes.All, enabled: false);
        var failing = await CreateWebhookAsync("https://down.example.com/in");
        var ping = await PingAsync(crm.Id);
        await RecordAttemptAsync(ping.Id, 200, WebhookDeliveryStatus.Succeeded);
        Clock.Advance(TimeSpan.FromMinutes(3));
        var refused = await PingAsync(failing.Id);
        await RecordAttemptAsync(refused.Id, null, WebhookDeliveryStatus.Failed, "Connection refused");
        Clock.Advance(TimeSpan.FromMinutes(2));

        var page = RenderPage<WebhooksPage>();

        page.WaitForAssertion(() => Assert.Equal(3, LogRows(page).Count));
        var rows = LogRows(page);
        var crmRow = rows.Single(r => r["Endpoint"].StartsWith(crm.Url, StringComparison.Ordinal));
        Assert.Equal(crm.Url, Text(crmRow.Cell("Endpoint").QuerySelector(".webhook-url")!));
        Assert.Equal("CRM sync", Text(crmRow.Cell("Endpoint").QuerySelector(".webhook-description")!));
        Assert.Equal("memory.created, export.completed", crmRow["Events"]);
        Assert.Equal("Enabled", crmRow["Status"]);
        Assert.Equal(("Succeeded", "HTTP 200 · ping · 5 minutes ago (2026-03-10 09:30 UTC)"), LastDelivery(crmRow));

        var allRow = rows.Single(r => r["Endpoint"] == all.Url);
        Assert.Equal("All events", allRow["Events"]);
        Assert.Equal("Disabled", allRow["Status"]);
        Assert.Equal("No deliveries yet", allRow["Last delivery"]);

        var failingRow = rows.Single(r => r["Endpoint"] == failing.Url);
        Assert.Equal(("Failed", "Connection refused · ping · 2 minutes ago (2026-03-10 09:33 UTC)"), LastDelivery(failingRow));

        // Every row's actions are there, named after the endpoint, whatever its state.
        foreach (var (url, toggle) in new[] { (crm.Url, "Disable"), (all.Url, "Enable"), (failing.Url, "Disable") })
        {
            foreach (var action in new[] { "Send test event to", "Roll secret of", "Edit", toggle, "Delete" })
            {
                Assert.Single(page.FindAll($"button[aria-label='{action} {url}']"));
            }

            Assert.Single(page.FindAll($"a[aria-label='Delivery log of {url}']"));
        }
    }

    [Fact]
    public async Task A_long_url_keeps_its_whole_text_and_shows_it_on_hover()
    {
        var url = "https://hooks.example.com/" + string.Concat(Enumerable.Repeat("very-long-path-segment/", 80)) + "end";
        await CreateWebhookAsync(url);

        var page = RenderPage<WebhooksPage>();

        var link = page.WaitForElement("a.webhook-url");
        Assert.Equal(url, link.TextContent);
        Assert.Equal(url, link.GetAttribute("title"));
        Assert.Contains("webhook-url", link.ClassList);
    }

    [Fact]
    public async Task Another_owners_endpoints_and_the_test_environments_are_not_listed()
    {
        await CreateWebhookAsync("https://example.com/mine-live");
        await CreateWebhookAsync("https://example.com/mine-test", caller: Test);
        await CreateWebhookAsync("https://example.com/theirs", caller: OtherOwnersLive);

        var page = RenderPage<WebhooksPage>();

        page.WaitForAssertion(() => Assert.Equal(["https://example.com/mine-live"], LogRows(page).Select(r => r["Endpoint"])));
    }

    [Fact]
    public async Task Turning_test_mode_on_lists_the_test_environments_endpoints_instead()
    {
        await CreateWebhookAsync("https://example.com/mine-live");
        await CreateWebhookAsync("https://example.com/mine-test", caller: Test);
        var page = RenderPage<WebhooksPage>();
        page.WaitForAssertion(() => Assert.Equal(["https://example.com/mine-live"], LogRows(page).Select(r => r["Endpoint"])));

        await page.InvokeAsync(() => TestMode.SetAsync(true));

        page.WaitForAssertion(() => Assert.Equal(["https://example.com/mine-test"], LogRows(page).Select(r => r["Endpoint"])));
        Assert.Contains("in your test data", Text(page.Find("h1").ParentElement!.ParentElement!));
    }

    [Fact]
    public async Task Send_test_event_queues_a_ping_and_its_result_appears_without_a_reload()
    {
        var webhook = await CreateWebhookAsync("https://example.com/hooks/crm");
        var page = RenderPage<WebhooksPage>();
        page.WaitForAssertion(() => Assert.Single(LogRows(page)));

        page.Find($"button[aria-label='Send test event to {webhook.Url}']").Click();

        page.WaitForAssertion(() => Assert.Equal(("Pending", "ping · just now (2026-03-10 09:30 UTC)"), LastDelivery(LogRows(page).Single())));
        var delivery = Assert.Single((await Webhooks.ListDeliveriesAsync(Live, webhook.Id, new PageRequest(10, null), default))!.Data);
        Assert.Equal(WebhookEventTypes.Ping, delivery.Event);

        // The dispatcher answers; the page asks again on its own while something is pending.
        await RecordAttemptAsync(delivery.Id, 204, WebhookDeliveryStatus.Succeeded);
        Clock.Advance(WebhooksPage.PollInterval);

        page.WaitForAssertion(() => Assert.Equal("Succeeded", LastDelivery(LogRows(page).Single()).Status));
        Assert.StartsWith("HTTP 204 · ping · ", LastDelivery(LogRows(page).Single()).Detail);
    }

    [Fact]
    public async Task Disable_and_Enable_switch_the_endpoint_and_say_so()
    {
        var webhook = await CreateWebhookAsync("https://example.com/hooks/crm");
        var page = RenderPage<WebhooksPage>();
        page.WaitForAssertion(() => Assert.Single(LogRows(page)));

        page.Find($"button[aria-label='Disable {webhook.Url}']").Click();

        page.WaitForAssertion(() => Assert.Equal("Disabled", LogRows(page).Single()["Status"]));
        Assert.False((await Webhooks.GetAsync(Live, webhook.Id, default))!.Enabled);

        page.Find($"button[aria-label='Enable {webhook.Url}']").Click();

        page.WaitForAssertion(() => Assert.Equal("Enabled", LogRows(page).Single()["Status"]));
        Assert.True((await Webhooks.GetAsync(Live, webhook.Id, default))!.Enabled);
    }

    [Fact]
    public async Task Delete_asks_first_and_removes_the_endpoint_with_its_delivery_history()
    {
        var doomed = await CreateWebhookAsync("https://example.com/hooks/old");
        var kept = await CreateWebhookAsync("https://example.com/hooks/kept");
        await PingAsync(doomed.Id);
        var dialogs = RenderDialogProvider();
        var page = RenderPage<WebhooksPage>();
        page.WaitForAssertion(() => Assert.Equal(2, LogRows(page).Count));

        page.Find($"button[aria-label='Delete {doomed.Url}']").Click();
        var dialog = dialogs.WaitForElement("[role=dialog]");
        Assert.Contains("Delete this endpoint?", Text(dialog));
        Assert.Contains(doomed.Url, Text(dialog));
        Assert.Contains("its delivery history is deleted with it", Text(dialog));

        // Cancel keeps it.
        Button(dialogs, "Cancel").Click();
        dialogs.WaitForAssertion(() => Assert.Empty(OpenDialogs(dialogs)));
        Assert.NotNull(await Webhooks.GetAsync(Live, doomed.Id, default));

        page.Find($"button[aria-label='Delete {doomed.Url}']").Click();
        dialogs.WaitForElement("[role=dialog]");
        Button(dialogs, "Delete").Click();

        page.WaitForAssertion(() => Assert.Equal([kept.Url], LogRows(page).Select(r => r["Endpoint"])));
        Assert.Null(await Webhooks.GetAsync(Live, doomed.Id, default));
        Assert.Null(await Webhooks.ListDeliveriesAsync(Live, doomed.Id, new PageRequest(10, null), default));
        await using var db = Database.CreateContext();
        Assert.Equal(0, db.WebhookDeliveries.Count());
    }

    [Fact]
    public async Task Add_endpoint_shows_the_signing_secret_once_and_nowhere_after_Done()
    {
        var dialogs = RenderDialogProvider();
        var page = RenderPage<WebhooksPage>();
        page.WaitForElement("[data-testid=empty-state]");
        Button(page, "Add endpoint").Click();
        dialogs.WaitForAssertion(() => Field(dialogs, "Endpoint URL"));
        Field(dialogs, "Endpoint URL").Input("https://example.com/hooks/new");
        Tick(CheckBox(dialogs, WebhookEventTypes.MemoryCreated));
        Button(dialogs, "Add endpoint").Click();

        dialogs.WaitForAssertion(() => Field(dialogs, "Signing secret"));
        var secret = Field(dialogs, "Signing secret").GetAttribute("value")!;
        Assert.Matches("^whsec_[0-9A-Za-z]{40}$", secret);
        Assert.Contains("This secret is shown only once.", Text(dialogs.Find("[role=dialog]")));
        Assert.DoesNotContain(secret, page.Markup);

        Button(dialogs, "Done").Click();

        dialogs.WaitForAssertion(() => Assert.Empty(OpenDialogs(dialogs)));
        Assert.DoesNotContain(secret, dialogs.Markup);
        Assert.DoesNotContain(secret, page.Markup);
        Assert.Equal(["https://example.com/hooks/new"], LogRows(page).Select(r => r["Endpoint"]));
        Assert.DoesNotContain(secret, RenderPage<WebhooksPage>().Markup);
    }

    private static (string Status, string Detail) LastDelivery(LogRow row)
    {
        var cell = row.Cell("Last delivery");
        return (Text(cell.QuerySelector(".mud-chip")!), Text(cell.QuerySelector(".webhook-last-detail")!));
    }
}
