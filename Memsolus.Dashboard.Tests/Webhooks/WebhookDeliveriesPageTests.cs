using AngleSharp.Dom;
using Bunit;
using Memsolus.Dashboard.Webhooks;

namespace Memsolus.Dashboard.Tests.Webhooks;

// /webhooks/{id}: one endpoint's deliveries, newest first, each with every attempt, Send test event
// and Redeliver, updating on its own while anything is pending.
public sealed class WebhookDeliveriesPageTests : WebhookScreenTestContext
{
    [Fact]
    public async Task Each_delivery_shows_its_event_status_result_and_every_attempt()
    {
        var webhook = await CreateWebhookAsync("https://example.com/hooks/crm", description: "CRM sync");
        var first = await PingAsync(webhook.Id);
        await RecordAttemptAsync(first.Id, 500, WebhookDeliveryStatus.Pending, "HTTP 500", durationMs: 1_250);
        Clock.Advance(TimeSpan.FromMinutes(1));
        await RecordAttemptAsync(first.Id, null, WebhookDeliveryStatus.Failed, "Connection refused", durationMs: 3);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var second = await PingAsync(webhook.Id);
        await RecordAttemptAsync(second.Id, 200, WebhookDeliveryStatus.Succeeded, durationMs: 87);

        var page = RenderPage<WebhookDeliveriesPage>(p => p.Add(c => c.Id, webhook.Id));

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=delivery]").Count));
        Assert.Equal(webhook.Url, Text(page.Find("[data-testid=webhook-url]")));
        Assert.Contains("CRM sync", Text(page.Find("[data-testid=webhook-summary]")));
        var deliveries = page.FindAll("[data-testid=delivery]");
        Assert.Equal([second.Id.ToString(), first.Id.ToString()], deliveries.Select(d => d.GetAttribute("data-delivery-id")));

        var newest = deliveries[0];
        Assert.Equal("ping", Part(newest, "delivery-event"));
        Assert.Equal("Succeeded", Part(newest, "delivery-status"));
        Assert.Equal("HTTP 200", Part(newest, "delivery-result"));
        Assert.Equal("1 attempt", Part(newest, "delivery-attempts"));
        Assert.Equal(["Attempt 1 just now (2026-03-10 09:32 UTC) HTTP 200 87 ms"], Attempts(newest));

        var oldest = deliveries[1];
        Assert.Equal("Failed", Part(oldest, "delivery-status"));
        Assert.Equal("Connection refused", Part(oldest, "delivery-result"));
        Assert.Equal("2 attempts", Part(oldest, "delivery-attempts"));
        Assert.Equal(
            ["Attempt 1 2 minutes ago (2026-03-10 09:30 UTC) HTTP 500 1.3 s HTTP 500", "Attempt 2 1 minute ago (2026-03-10 09:31 UTC) No response 3 ms Connection refused"],
            Attempts(oldest));
    }

    [Fact]
    public async Task Without_deliveries_the_log_says_how_to_get_one()
    {
        var webhook = await CreateWebhookAsync("https://example.com/hooks/crm");

        var page = RenderPage<WebhookDeliveriesPage>(p => p.Add(c => c.Id, webhook.Id));

        Assert.Contains("Nothing was sent to this endpoint yet", Text(page.WaitForElement("[data-testid=no-deliveries]")));
    }

    [Fact]
    public async Task Send_test_event_adds_a_pending_ping_that_turns_into_its_result_without_a_reload()
    {
        var webhook = await CreateWebhookAsync("https://example.com/hooks/crm");
        var page = RenderPage<WebhookDeliveriesPage>(p => p.Add(c => c.Id, webhook.Id));
        page.WaitForElement("[data-testid=no-deliveries]");

        Button(page, "Send test event").Click();

        page.WaitForAssertion(() => Assert.Equal("Pending", Part(page.Find("[data-testid=delivery]"), "delivery-status")));
        Assert.Contains("Sent a test event (ping)", Text(page.Find("[data-testid=notice]")));
        var id = Guid.Parse(page.Find("[data-testid=delivery]").GetAttribute("data-delivery-id")!);

        await RecordAttemptAsync(id, 202, WebhookDeliveryStatus.Succeeded);
        Clock.Advance(WebhooksPage.PollInterval);

        page.WaitForAssertion(() => Assert.Equal("Succeeded", Part(page.Find("[data-testid=delivery]"), "delivery-status")));
        Assert.Equal("HTTP 202", Part(page.Find("[data-testid=delivery]"), "delivery-result"));
    }

    [Fact]
    public async Task Redeliver_of_a_pending_delivery_says_to_wait_and_of_a_finished_one_queues_it_again()
    {
        var webhook = await CreateWebhookAsync("https://example.com/hooks/crm");
        var ping = await PingAsync(webhook.Id);
        var page = RenderPage<WebhookDeliveriesPage>(p => p.Add(c => c.Id, webhook.Id));
        page.WaitForElement("[data-testid=delivery]");

        Button(page, "Redeliver").Click();

        page.WaitForAssertion(() => Assert.Equal(
            "This delivery is still pending: it is queued or waiting for a retry. Redeliver it once it has succeeded or failed.",
            Text(page.Find("[data-testid=notice]"))));

        await RecordAttemptAsync(ping.Id, 500, WebhookDeliveryStatus.Failed, "HTTP 500");
        Clock.Advance(WebhooksPage.PollInterval);
        page.WaitForAssertion(() => Assert.Equal("Failed", Part(page.Find("[data-testid=delivery]"), "delivery-status")));

        Button(page, "Redeliver").Click();

        page.WaitForAssertion(() => Assert.Equal("Redelivering the ping event: its next attempt shows below.", Text(page.Find("[data-testid=notice]"))));
        Assert.Equal("Pending", Part(page.Find("[data-testid=delivery]"), "delivery-status"));
    }

    [Fact]
    public async Task Another_owners_endpoint_and_one_of_the_other_environment_are_not_found()
    {
        var theirs = await CreateWebhookAsync("https://example.com/hooks/theirs", caller: OtherOwnersLive);
        await PingAsync(theirs.Id, OtherOwnersLive);
        var mineInTest = await CreateWebhookAsync("https://example.com/hooks/test", caller: Test);

        var page = RenderPage<WebhookDeliveriesPage>(p => p.Add(c => c.Id, theirs.Id));
        Assert.Contains("There is no such endpoint in your live data", Text(page.WaitForElement("[data-testid=not-found]")));
        Assert.DoesNotContain(theirs.Url, page.Markup);
        Assert.Empty(page.FindAll("[data-testid=delivery]"));

        var test = RenderPage<WebhookDeliveriesPage>(p => p.Add(c => c.Id, mineInTest.Id));
        test.WaitForElement("[data-testid=not-found]");
        await test.InvokeAsync(() => TestMode.SetAsync(true));
        test.WaitForAssertion(() => Assert.Equal(mineInTest.Url, Text(test.Find("[data-testid=webhook-url]"))));
    }

    [Fact]
    public async Task When_the_store_fails_the_log_says_so_and_Try_again_loads_it()
    {
        var webhook = await CreateWebhookAsync("https://example.com/hooks/crm");
        Database.Contexts.Unavailable = true;

        var page = RenderPage<WebhookDeliveriesPage>(p => p.Add(c => c.Id, webhook.Id));

        Assert.Equal("The delivery log could not be loaded. Try again in a moment.", Text(page.WaitForElement("[data-testid=load-error]")));
        Database.Contexts.Unavailable = false;
        Button(page, "Try again").Click();
        page.WaitForElement("[data-testid=no-deliveries]");
    }

    private static string Part(IElement delivery, string testId) => Text(delivery.QuerySelector($"[data-testid={testId}]")!);

    private static List<string> Attempts(IElement delivery) =>
        delivery.QuerySelectorAll("[data-testid=attempt]").Select(a => string.Join(" ", a.Children.Select(Text))).ToList();
}
