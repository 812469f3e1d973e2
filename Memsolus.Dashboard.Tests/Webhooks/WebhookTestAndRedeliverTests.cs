using System.Net;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Webhooks;

// POST /webhooks/{id}/test and POST /webhooks/{id}/deliveries/{deliveryId}/redeliver, end to end
// through the real dispatcher to a WebhookReceiver on 127.0.0.1; time moves only when a test moves it.
public abstract class WebhookTestAndRedeliverTests(MemsolusAppFactory app)
{
    private static readonly TestHostOptions Host = new() { FakeClock = true, AllowPrivateNetworks = true };

    private WebhookDeliveryRunner Runner => app.Services.GetRequiredService<WebhookDeliveryRunner>();

    [Fact]
    public async Task Test_event_reaches_the_endpoint_signed_as_a_ping_and_is_in_its_delivery_log()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var session = await app.NewSessionAsync();
        // Subscribed to something else: the ping goes to this webhook whatever its events.
        var webhook = await session.CreateWebhookAsync(receiver.UrlOf("/hooks/ping"), ["export.completed"]);
        var other = await session.CreateWebhookAsync(receiver.UrlOf("/hooks/other"), ["export.completed"]);
        var secret = webhook.GetProperty("secret").GetString()!;

        using var response = await session.Client.PostAsync($"/api/v1/webhooks/{webhook.Id()}/test", null);
        var queued = await ApiAssert.JsonAsync(response, HttpStatusCode.Accepted);
        Assert.Equal("ping", queued.GetProperty("event").GetString());
        Assert.Equal("pending", queued.GetProperty("status").GetString());

        var request = await receiver.NextAsync();
        await Runner.RunOnceAsync();
        Assert.Equal("/hooks/ping", request.Path);
        Assert.True(WebhookTestApi.SignatureIsValid(request, secret, out _), $"Bad signature {request.Signature}");
        var payload = request.Json();
        Assert.Equal("ping", payload.GetProperty("type").GetString());
        Assert.Equal("live", payload.GetProperty("environment").GetString());
        Assert.Equal(queued.GetProperty("eventId").GetGuid(), payload.GetProperty("id").GetGuid());
        Assert.Equal(webhook.Id(), payload.GetProperty("data").GetProperty("webhookId").GetGuid());

        var delivery = Assert.Single(await session.DeliveriesAsync(webhook));
        Assert.Equal(queued.Id(), delivery.Id());
        Assert.Equal("ping", delivery.GetProperty("event").GetString());
        Assert.Equal("succeeded", delivery.GetProperty("status").GetString());
        Assert.Equal(200, delivery.GetProperty("statusCode").GetInt32());
        Assert.Empty(await session.DeliveriesAsync(other));
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task Redeliver_of_a_failed_delivery_sends_the_same_event_again_as_a_new_attempt()
    {
        await using var receiver = await WebhookReceiver.StartAsync(answers: Enumerable.Repeat(StatusCodes.Status500InternalServerError, WebhookRetryPolicy.MaxAttempts));
        var session = await app.NewSessionAsync();
        var webhook = await session.CreateWebhookAsync(receiver.UrlOf("/hooks/flaky"), ["memory.created"]);
        var secret = webhook.GetProperty("secret").GetString()!;
        await session.CreateMemoryAsync("delivered late", []);
        var first = await receiver.NextAsync();
        await Runner.RunOnceAsync();
        foreach (var delay in WebhookRetryPolicy.Delays)
        {
            app.Clock.Advance(delay);
            await receiver.NextAsync();
            await Runner.RunOnceAsync();
        }

        var failed = Assert.Single(await session.DeliveriesAsync(webhook));
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Equal(WebhookRetryPolicy.MaxAttempts, failed.GetProperty("attempt").GetInt32());

        using var response = await session.Client.PostAsync($"/api/v1/webhooks/{webhook.Id()}/deliveries/{failed.Id()}/redeliver", null);
        var queued = await ApiAssert.JsonAsync(response, HttpStatusCode.Accepted);
        Assert.Equal(failed.Id(), queued.Id());
        Assert.Equal("pending", queued.GetProperty("status").GetString());

        var again = await receiver.NextAsync();
        await Runner.RunOnceAsync();
        Assert.Equal(first.Body, again.Body);
        Assert.Equal(failed.GetProperty("eventId").GetGuid(), again.Json().GetProperty("id").GetGuid());
        Assert.True(WebhookTestApi.SignatureIsValid(again, secret, out _), $"Bad signature {again.Signature}");
        var delivered = Assert.Single(await session.DeliveriesAsync(webhook));
        Assert.Equal("succeeded", delivered.GetProperty("status").GetString());
        Assert.Equal(WebhookRetryPolicy.MaxAttempts + 1, delivered.GetProperty("attempt").GetInt32());
        Assert.Equal(
            [.. Enumerable.Repeat(500, WebhookRetryPolicy.MaxAttempts), 200],
            delivered.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("statusCode").GetInt32()));
        Assert.Equal(WebhookRetryPolicy.MaxAttempts + 1, receiver.Requests.Count);
    }

    [Fact]
    public async Task Redeliver_of_a_pending_delivery_is_409_and_queues_nothing()
    {
        await using var receiver = await WebhookReceiver.StartAsync(answers: [StatusCodes.Status500InternalServerError]);
        var session = await app.NewSessionAsync();
        var webhook = await session.CreateWebhookAsync(receiver.UrlOf("/hooks/retrying"), ["memory.created"]);
        using (var ping = await session.Client.PostAsync($"/api/v1/webhooks/{webhook.Id()}/test", null))
        {
            await ApiAssert.StatusAsync(ping, HttpStatusCode.Accepted);
        }

        await receiver.NextAsync();
        await Runner.RunOnceAsync();
        var pending = Assert.Single(await session.DeliveriesAsync(webhook));
        Assert.Equal("pending", pending.GetProperty("status").GetString());

        using var response = await session.Client.PostAsync($"/api/v1/webhooks/{webhook.Id()}/deliveries/{pending.Id()}/redeliver", null);

        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal("Delivery still pending", problem.GetProperty("title").GetString());
        Assert.Equal(pending.GetRawText(), Assert.Single(await session.DeliveriesAsync(webhook)).GetRawText());
    }

    [Fact]
    public async Task Redeliver_without_webhook_write_is_403_and_another_owners_or_environments_delivery_is_404()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var owner = await app.NewSessionAsync();
        var webhook = await owner.CreateWebhookAsync(receiver.UrlOf("/hooks/mine"), ["memory.created"]);
        using (var ping = await owner.Client.PostAsync($"/api/v1/webhooks/{webhook.Id()}/test", null))
        {
            await ApiAssert.StatusAsync(ping, HttpStatusCode.Accepted);
        }

        await receiver.NextAsync();
        await Runner.RunOnceAsync();
        var delivery = Assert.Single(await owner.DeliveriesAsync(webhook));
        Assert.Equal("succeeded", delivery.GetProperty("status").GetString());
        var path = $"/api/v1/webhooks/{webhook.Id()}/deliveries/{delivery.Id()}/redeliver";

        var readOnly = await app.NewSessionAsync(owner.Owner, Permissions.All.Select(p => p.Name).Where(p => p != Permissions.WebhookWrite).ToList());
        using (var forbidden = await readOnly.Client.PostAsync(path, null))
        {
            await ApiAssert.ForbiddenAsync(forbidden, Permissions.WebhookWrite);
        }

        var stranger = await app.NewSessionAsync();
        var strangersWebhook = await stranger.CreateWebhookAsync(receiver.UrlOf("/hooks/theirs"), ["memory.created"]);
        var otherEnvironment = await app.NewSessionAsync(owner.Owner, environment: ApiKeyEnvironment.Test);
        foreach (var (outsider, attempt) in new[]
                 {
                     (stranger, path),
                     (stranger, $"/api/v1/webhooks/{strangersWebhook.Id()}/deliveries/{delivery.Id()}/redeliver"),
                     (otherEnvironment, path),
                     (owner, $"/api/v1/webhooks/{webhook.Id()}/deliveries/{Guid.NewGuid()}/redeliver"),
                 })
        {
            using var response = await outsider.Client.PostAsync(attempt, null);
            await ApiAssert.ProblemAsync(response, HttpStatusCode.NotFound);
        }

        Assert.Equal(delivery.GetRawText(), Assert.Single(await owner.DeliveriesAsync(webhook)).GetRawText());
        Assert.Single(receiver.Requests);
    }

    [Theory]
    [InlineData("/api/v1/webhooks/not-a-guid/test")]
    [InlineData("/api/v1/webhooks/%27%20OR%201%3D1--/test")]
    [InlineData("/api/v1/webhooks/00000000-0000-0000-0000-000000000000/test")]
    [InlineData("/api/v1/webhooks/{id}/deliveries/not-a-guid/redeliver")]
    [InlineData("/api/v1/webhooks/{id}/deliveries/..%2F..%2Fwebhooks/redeliver")]
    [InlineData("/api/v1/webhooks/not-a-guid/deliveries/00000000-0000-0000-0000-000000000000/redeliver")]
    public async Task Ids_that_are_not_a_webhook_or_delivery_are_404_never_500(string path)
    {
        var session = await app.NewSessionAsync();
        var webhook = await session.CreateWebhookAsync("https://hooks.example.com/hostile", ["memory.created"]);

        using var response = await session.Client.PostAsync(path.Replace("{id}", webhook.Id().ToString(), StringComparison.Ordinal), null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await session.DeliveriesAsync(webhook));
    }

    public sealed class OnSqlite(AppFixture<OnSqlite> fixture) : WebhookTestAndRedeliverTests(fixture.App), IClassFixture<AppFixture<OnSqlite>>, ITestHost
    {
        public static TestHostOptions Options => Host;
    }

    public sealed class OnPostgres(AppFixture<OnPostgres> fixture) : WebhookTestAndRedeliverTests(fixture.App), IClassFixture<AppFixture<OnPostgres>>, ITestHost
    {
        public static TestHostOptions Options => Host.OnPostgres();
    }
}
