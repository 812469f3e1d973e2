using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Webhooks;

// Deliveries end to end: an API change publishes an event, the background dispatcher POSTs it,
// signed, to a listener on 127.0.0.1, retries on the documented schedule and records every
// attempt where GET /webhooks/{id}/deliveries shows it. Time moves only when a test moves it.
// The real background dispatcher runs too; RunOnceAsync waits for any run in progress, so after
// it every due delivery has been sent and recorded.
public abstract class WebhookDeliveryTests(MemsolusAppFactory app)
{
    // A fake clock, and private networks allowed so deliveries reach a WebhookReceiver on 127.0.0.1.
    private static readonly TestHostOptions Host = new() { FakeClock = true, AllowPrivateNetworks = true };

    private WebhookDeliveryRunner Runner => app.Services.GetRequiredService<WebhookDeliveryRunner>();

    [Fact]
    public async Task Event_reaches_a_loopback_listener_signed_is_retried_after_a_500_and_both_attempts_are_recorded()
    {
        await using var receiver = await WebhookReceiver.StartAsync(answers: [500]);
        var session = await app.NewSessionAsync();
        var webhook = await session.CreateWebhookAsync(receiver.UrlOf("/hooks/memsolus"), ["memory.created"]);
        var secret = webhook.GetProperty("secret").GetString()!;
        var publishedAt = app.Clock.GetUtcNow();

        var memory = await session.CreateMemoryAsync("delivered by webhook", ["crm"]);

        // Nothing in the test sends: the publish wakes the background dispatcher.
        var first = await receiver.NextAsync();
        await Runner.RunOnceAsync();
        Assert.Equal("POST", first.Method);
        Assert.Equal("/hooks/memsolus", first.Path);
        Assert.Equal("application/json", first.ContentType);
        Assert.True(WebhookTestApi.SignatureIsValid(first, secret, out var firstTimestamp), $"Bad signature {first.Signature}");
        Assert.Equal(publishedAt.ToUnixTimeSeconds(), firstTimestamp);
        var payload = first.Json();
        Assert.Equal(["id", "type", "createdAt", "environment", "data"], payload.EnumerateObject().Select(p => p.Name));
        Assert.Equal("memory.created", payload.GetProperty("type").GetString());
        Assert.Equal("live", payload.GetProperty("environment").GetString());
        Assert.Equal(publishedAt, payload.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal(memory.GetRawText(), payload.GetProperty("data").GetRawText());

        var afterFirst = Assert.Single(await session.DeliveriesAsync(webhook));
        Assert.Equal(payload.GetProperty("id").GetGuid(), afterFirst.GetProperty("eventId").GetGuid());
        Assert.Equal("memory.created", afterFirst.GetProperty("event").GetString());
        Assert.Equal("pending", afterFirst.GetProperty("status").GetString());
        Assert.Equal(1, afterFirst.GetProperty("attempt").GetInt32());
        Assert.Equal(500, afterFirst.GetProperty("statusCode").GetInt32());
        Assert.Equal("The endpoint answered 500 Internal Server Error.", afterFirst.GetProperty("error").GetString());
        Assert.Equal(publishedAt.AddSeconds(10), afterFirst.GetProperty("nextRetryAt").GetDateTimeOffset());

        // The retry falls due; the dispatcher's own timer (on the fake clock) sends it.
        app.Clock.Advance(TimeSpan.FromSeconds(10));
        var second = await receiver.NextAsync();
        await Runner.RunOnceAsync();

        Assert.Equal(first.Body, second.Body);
        Assert.True(WebhookTestApi.SignatureIsValid(second, secret, out var secondTimestamp), $"Bad signature {second.Signature}");
        Assert.Equal(publishedAt.AddSeconds(10).ToUnixTimeSeconds(), secondTimestamp);
        var delivered = Assert.Single(await session.DeliveriesAsync(webhook));
        Assert.Equal(afterFirst.Id(), delivered.Id());
        Assert.Equal("succeeded", delivered.GetProperty("status").GetString());
        Assert.Equal(2, delivered.GetProperty("attempt").GetInt32());
        Assert.Equal(200, delivered.GetProperty("statusCode").GetInt32());
        Assert.Equal(JsonValueKind.Null, delivered.GetProperty("error").ValueKind);
        Assert.Equal(JsonValueKind.Null, delivered.GetProperty("nextRetryAt").ValueKind);
        Assert.True(delivered.GetProperty("durationMs").GetInt64() >= 0);
        var attempts = delivered.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal([1, 2], attempts.Select(a => a.GetProperty("attempt").GetInt32()));
        Assert.Equal([500, 200], attempts.Select(a => a.GetProperty("statusCode").GetInt32()));
        Assert.Equal([publishedAt, publishedAt.AddSeconds(10)], attempts.Select(a => a.GetProperty("attemptedAt").GetDateTimeOffset()));
        Assert.Equal(publishedAt.AddSeconds(10), attempts[0].GetProperty("nextRetryAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, attempts[1].GetProperty("nextRetryAt").ValueKind);
        Assert.Equal(2, receiver.Requests.Count);
        Assert.DoesNotContain(app.Logs.Lines(), line => line.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_redirect_is_recorded_as_a_failed_attempt_and_not_followed_and_the_url_is_not_logged()
    {
        await using var receiver = await WebhookReceiver.StartAsync(answers: [StatusCodes.Status302Found]);
        var session = await app.NewSessionAsync();
        var webhook = await session.CreateWebhookAsync(receiver.UrlOf("/hooks/url-token-4e1c/moved"), ["memory.created"]);

        await session.CreateMemoryAsync("sent to a moved endpoint", []);

        var first = await receiver.NextAsync();
        await Runner.RunOnceAsync();
        Assert.Equal("POST", first.Method);
        Assert.Empty(receiver.RequestsTo(WebhookReceiver.RedirectTarget));
        var delivery = Assert.Single(await session.DeliveriesAsync(webhook));
        Assert.Equal("pending", delivery.GetProperty("status").GetString());
        Assert.Equal(302, delivery.GetProperty("statusCode").GetInt32());
        Assert.Equal(
            "The endpoint answered 302 Found; redirects are not followed, so set the webhook's URL to where it points.",
            delivery.GetProperty("error").GetString());
        Assert.DoesNotContain(app.Logs.Lines(), line => line.Contains("url-token-4e1c", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Signature_does_not_verify_with_another_webhooks_secret_or_a_changed_body()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var session = await app.NewSessionAsync();
        var webhook = await session.CreateWebhookAsync(receiver.UrlOf("/in"), ["knowledge.created"]);
        var other = await session.CreateWebhookAsync("https://hooks.example.com/never", ["memory.deleted"]);

        await session.CreateKnowledgeAsync("Runbook", "restart the worker");
        await Runner.RunOnceAsync();

        var request = Assert.Single(receiver.Requests);
        Assert.True(WebhookTestApi.SignatureIsValid(request, webhook.GetProperty("secret").GetString()!, out _));
        Assert.False(WebhookTestApi.SignatureIsValid(request, other.GetProperty("secret").GetString()!, out _));
        var tampered = request with { Body = [.. request.Body[..^1], (byte)' '] };
        Assert.False(WebhookTestApi.SignatureIsValid(tampered, webhook.GetProperty("secret").GetString()!, out _));
    }

    [Fact]
    public async Task Failing_endpoint_is_retried_after_10_s_1_min_5_min_and_30_min_and_then_never_again()
    {
        await using var receiver = await WebhookReceiver.StartAsync(then: 500);
        var session = await app.NewSessionAsync();
        var webhook = await session.CreateWebhookAsync(receiver.UrlOf("/down"), ["memory.created"]);
        var start = app.Clock.GetUtcNow();

        await session.CreateMemoryAsync("nobody is listening");
        await Runner.RunOnceAsync();
        Assert.Single(receiver.Requests);

        var due = start;
        TimeSpan[] delays = [TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30)];
        for (var attempt = 2; attempt <= 5; attempt++)
        {
            due += delays[attempt - 2];
            var pending = Assert.Single(await session.DeliveriesAsync(webhook));
            Assert.Equal(due, pending.GetProperty("nextRetryAt").GetDateTimeOffset());

            app.Clock.Advance(due - app.Clock.GetUtcNow() - TimeSpan.FromSeconds(1));
            await Runner.RunOnceAsync();
            Assert.Equal(attempt - 1, receiver.Requests.Count);

            app.Clock.Advance(TimeSpan.FromSeconds(1));
            await Runner.RunOnceAsync();
            Assert.Equal(attempt, receiver.Requests.Count);
        }

        var failed = Assert.Single(await session.DeliveriesAsync(webhook));
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Equal(5, failed.GetProperty("attempt").GetInt32());
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("nextRetryAt").ValueKind);
        var attempts = failed.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3, 4, 5], attempts.Select(a => a.GetProperty("attempt").GetInt32()));
        Assert.All(attempts, a => Assert.Equal(500, a.GetProperty("statusCode").GetInt32()));
        Assert.Equal(
            [start.AddSeconds(10), start.AddSeconds(70), start.AddSeconds(370), start.AddSeconds(2170)],
            attempts.Take(4).Select(a => a.GetProperty("nextRetryAt").GetDateTimeOffset()));
        Assert.Equal(JsonValueKind.Null, attempts[4].GetProperty("nextRetryAt").ValueKind);

        // Twice the longest delay; the fake clock fires every periodic timer in the app on the
        // way, so a much longer jump only makes the test slower.
        app.Clock.Advance(TimeSpan.FromHours(1));
        await Runner.RunOnceAsync();
        Assert.Equal(5, receiver.Requests.Count);
    }

    [Fact]
    public async Task Disabled_webhook_gets_nothing_and_disabling_cancels_a_pending_retry()
    {
        await using var receiver = await WebhookReceiver.StartAsync(answers: [503]);
        var session = await app.NewSessionAsync();
        var disabled = await session.CreateWebhookAsync(receiver.UrlOf("/disabled"), ["memory.created"], enabled: false);
        var retrying = await session.CreateWebhookAsync(receiver.UrlOf("/retrying"), ["memory.created"]);

        await session.CreateMemoryAsync("first");
        await Runner.RunOnceAsync();
        Assert.Empty(await session.DeliveriesAsync(disabled));
        Assert.Equal("pending", Assert.Single(await session.DeliveriesAsync(retrying)).GetProperty("status").GetString());

        using (var disable = await session.Client.PatchAsJsonAsync($"/api/v1/webhooks/{retrying.Id()}", new { enabled = false }))
        {
            await ApiAssert.JsonAsync(disable);
        }

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await session.CreateMemoryAsync("second");
        await Runner.RunOnceAsync();

        Assert.Empty(receiver.RequestsTo("/disabled"));
        Assert.Single(receiver.RequestsTo("/retrying"));
        var canceled = Assert.Single(await session.DeliveriesAsync(retrying));
        Assert.Equal("canceled", canceled.GetProperty("status").GetString());
        Assert.Equal(1, canceled.GetProperty("attempt").GetInt32());
        Assert.Equal(JsonValueKind.Null, canceled.GetProperty("nextRetryAt").ValueKind);
    }

    // DELETE with a delivery recorded and its retry pending: the history goes with the webhook
    // (no delivery, no attempt row left) and the retry, once due, is never sent.
    [Fact]
    public async Task Deleting_a_webhook_removes_its_delivery_history_and_its_pending_retry_is_never_sent()
    {
        await using var receiver = await WebhookReceiver.StartAsync(answers: [503]);
        var session = await app.NewSessionAsync();
        var doomed = await session.CreateWebhookAsync(receiver.UrlOf("/doomed"), ["memory.created"]);

        await session.CreateMemoryAsync("delivered once, then retried");
        await Runner.RunOnceAsync();
        var pending = Assert.Single(await session.DeliveriesAsync(doomed));
        Assert.Equal("pending", pending.GetProperty("status").GetString());
        var retryAt = pending.GetProperty("nextRetryAt").GetDateTimeOffset();
        var eventId = pending.GetProperty("eventId").GetGuid();
        var factory = app.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>();
        long delivery;
        await using (var db = await factory.CreateDbContextAsync())
        {
            delivery = await db.WebhookDeliveries.Where(d => d.EventId == eventId).Select(d => d.Sequence).SingleAsync();
            Assert.Equal(1, await db.WebhookDeliveryAttempts.CountAsync(a => a.DeliverySequence == delivery));
        }

        using (var deleted = await session.Client.DeleteAsync($"/api/v1/webhooks/{doomed.Id()}"))
        {
            await ApiAssert.StatusAsync(deleted, HttpStatusCode.NoContent);
        }

        await using (var db = await factory.CreateDbContextAsync())
        {
            Assert.False(await db.WebhookDeliveries.AnyAsync(d => d.EventId == eventId));
            Assert.False(await db.WebhookDeliveryAttempts.AnyAsync(a => a.DeliverySequence == delivery));
        }

        app.Clock.Advance(retryAt - app.Clock.GetUtcNow() + TimeSpan.FromHours(1));
        await Runner.RunOnceAsync();

        Assert.Single(receiver.RequestsTo("/doomed"));
    }

    [Fact]
    public async Task Events_go_only_to_webhooks_of_the_same_owner_and_environment()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var live = await app.NewSessionAsync();
        var test = await app.NewSessionAsync(live.Owner, environment: ApiKeyEnvironment.Test);
        var stranger = await app.NewSessionAsync(environment: ApiKeyEnvironment.Test);
        var liveHook = await live.CreateWebhookAsync(receiver.UrlOf("/live"), WebhookTestApi.AllEvents);
        var testHook = await test.CreateWebhookAsync(receiver.UrlOf("/test"), WebhookTestApi.AllEvents);
        var strangerHook = await stranger.CreateWebhookAsync(receiver.UrlOf("/stranger"), WebhookTestApi.AllEvents);

        var memory = await test.CreateMemoryAsync("only for the test webhook");
        await Runner.RunOnceAsync();

        var request = Assert.Single(receiver.Requests);
        Assert.Equal("/test", request.Path);
        Assert.Equal("test", request.Json().GetProperty("environment").GetString());
        Assert.Equal(memory.Id(), request.Json().GetProperty("data").Id());
        Assert.Single(await test.DeliveriesAsync(testHook));
        Assert.Empty(await live.DeliveriesAsync(liveHook));
        Assert.Empty(await stranger.DeliveriesAsync(strangerHook));
        using var foreign = await test.Client.GetAsync($"/api/v1/webhooks/{strangerHook.Id()}/deliveries");
        await ApiAssert.ProblemAsync(foreign, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Memory_and_knowledge_create_update_and_delete_publish_their_events()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var session = await app.NewSessionAsync();
        var everything = await session.CreateWebhookAsync(receiver.UrlOf("/all"), WebhookTestApi.AllEvents);
        var deletesOnly = await session.CreateWebhookAsync(receiver.UrlOf("/deletes"), ["memory.deleted", "knowledge.deleted"]);

        var memory = await session.CreateMemoryAsync("v1");
        using (var patch = await session.Client.PatchAsJsonAsync($"/api/v1/memories/{memory.Id()}", new { content = "v2" }))
        {
            await ApiAssert.JsonAsync(patch);
        }

        var updatedMemory = await session.GetJsonAsync($"/api/v1/memories/{memory.Id()}");
        using (var delete = await session.Client.DeleteAsync($"/api/v1/memories/{memory.Id()}"))
        {
            await ApiAssert.StatusAsync(delete, HttpStatusCode.NoContent);
        }

        var entry = await session.CreateKnowledgeAsync("Runbook", "v1");
        using (var patch = await session.Client.PatchAsJsonAsync($"/api/v1/knowledge/{entry.Id()}", new { content = "v2" }))
        {
            await ApiAssert.JsonAsync(patch);
        }

        var updatedEntry = await session.GetJsonAsync($"/api/v1/knowledge/{entry.Id()}");
        using (var delete = await session.Client.DeleteAsync($"/api/v1/knowledge/{entry.Id()}"))
        {
            await ApiAssert.StatusAsync(delete, HttpStatusCode.NoContent);
        }

        // Nothing changes, so nothing is published.
        using (var missing = await session.Client.DeleteAsync($"/api/v1/memories/{memory.Id()}"))
        {
            await ApiAssert.ProblemAsync(missing, HttpStatusCode.NotFound);
        }

        await Runner.RunOnceAsync();

        Assert.Equal(
            ["knowledge.deleted", "knowledge.updated", "knowledge.created", "memory.deleted", "memory.updated", "memory.created"],
            (await session.DeliveriesAsync(everything)).Select(d => d.GetProperty("event").GetString()));
        Assert.Equal(["knowledge.deleted", "memory.deleted"], (await session.DeliveriesAsync(deletesOnly)).Select(d => d.GetProperty("event").GetString()));
        var sent = receiver.RequestsTo("/all").Select(r => r.Json()).ToDictionary(p => p.GetProperty("type").GetString()!, p => p.GetProperty("data"));
        Assert.Equal(memory.GetRawText(), sent["memory.created"].GetRawText());
        Assert.Equal(updatedMemory.GetRawText(), sent["memory.updated"].GetRawText());
        Assert.Equal($$"""{"id":"{{memory.Id()}}"}""", sent["memory.deleted"].GetRawText());
        Assert.Equal(entry.GetRawText(), sent["knowledge.created"].GetRawText());
        Assert.Equal(updatedEntry.GetRawText(), sent["knowledge.updated"].GetRawText());
        Assert.Equal($$"""{"id":"{{entry.Id()}}"}""", sent["knowledge.deleted"].GetRawText());
        Assert.Equal(2, receiver.RequestsTo("/deletes").Count);

        var page = await session.GetJsonAsync($"/api/v1/webhooks/{everything.Id()}/deliveries?limit=4");
        var cursor = page.GetProperty("nextCursor").GetString()!;
        var rest = await session.GetJsonAsync($"/api/v1/webhooks/{everything.Id()}/deliveries?limit=4&cursor={Uri.EscapeDataString(cursor)}");
        Assert.Equal(4, page.GetProperty("data").GetArrayLength());
        Assert.Equal(["memory.updated", "memory.created"], rest.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("event").GetString()));
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task Secret_that_can_no_longer_be_decrypted_fails_the_attempt_with_a_recorded_error_and_sends_nothing()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var session = await app.NewSessionAsync();
        var webhook = await session.CreateWebhookAsync(receiver.UrlOf("/lost-key"), ["memory.created"]);
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync())
        {
            // What a lost data-protection key ring looks like to the dispatcher.
            await db.Webhooks.Where(w => w.Id == webhook.Id()).ExecuteUpdateAsync(s => s.SetProperty(w => w.ProtectedSecret, "CfDJ8not-a-protected-payload"));
        }

        await session.CreateMemoryAsync("cannot be signed");
        await Runner.RunOnceAsync();

        Assert.Empty(receiver.Requests);
        var delivery = Assert.Single(await session.DeliveriesAsync(webhook));
        Assert.Equal(1, delivery.GetProperty("attempt").GetInt32());
        Assert.Equal(
            "The signing secret could not be decrypted (the data-protection key ring has changed); roll the webhook's secret, or delete the webhook and create it again.",
            delivery.GetProperty("error").GetString());
        Assert.Equal("pending", delivery.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Events_published_together_each_get_their_own_delivery_and_event_id_in_order()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var session = await app.NewSessionAsync();
        var webhook = await session.CreateWebhookAsync(receiver.UrlOf("/hooks/many"), ["memory.created"]);
        var events = app.Services.GetRequiredService<IWebhookEvents>();

        await events.PublishManyAsync(session.Owner.UserId, ApiKeyEnvironment.Live, WebhookEventTypes.MemoryCreated, [new { n = 1 }, new { n = 2 }, new { n = 3 }]);
        await Runner.RunOnceAsync();

        var received = receiver.RequestsTo("/hooks/many").Select(r => r.Json()).ToList();
        Assert.Equal([1, 2, 3], received.Select(p => p.GetProperty("data").GetProperty("n").GetInt32()).Order());
        Assert.Equal(3, received.Select(p => p.GetProperty("id").GetGuid()).Distinct().Count());
        var deliveries = await session.DeliveriesAsync(webhook);
        Assert.Equal(3, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal("succeeded", d.GetProperty("status").GetString()));
    }

    public sealed class OnSqlite(AppFixture<OnSqlite> fixture) : WebhookDeliveryTests(fixture.App), IClassFixture<AppFixture<OnSqlite>>, ITestHost
    {
        public static TestHostOptions Options => Host;
    }

    public sealed class OnPostgres(AppFixture<OnPostgres> fixture) : WebhookDeliveryTests(fixture.App), IClassFixture<AppFixture<OnPostgres>>, ITestHost
    {
        public static TestHostOptions Options => Host.OnPostgres();
    }
}
