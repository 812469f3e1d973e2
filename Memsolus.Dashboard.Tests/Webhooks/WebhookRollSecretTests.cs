using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Webhooks;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Webhooks;

// POST /webhooks/{id}/roll-secret, end to end: the new secret is answered once, and while the old
// one still signs every request the real dispatcher sends to a WebhookReceiver on 127.0.0.1
// carries both signatures, each of which the receiver's check (WebhookTestApi.SignatureIsValid,
// the recipe of docs/api.md) accepts; once the fake clock passes the expiry, only the new one.
public abstract class WebhookRollSecretTests(MemsolusAppFactory app)
{
    private static readonly TestHostOptions Host = new() { FakeClock = true, AllowPrivateNetworks = true };

    private WebhookDeliveryRunner Runner => app.Services.GetRequiredService<WebhookDeliveryRunner>();

    [Fact]
    public async Task Roll_answers_200_with_a_new_secret_shown_once_and_when_the_old_one_stops_24_hours_by_default()
    {
        var session = await app.NewSessionAsync();
        var webhook = await session.CreateWebhookAsync("https://hooks.example.com/roll", ["memory.created"]);
        var old = webhook.GetProperty("secret").GetString()!;

        using var response = await session.Client.PostAsync($"/api/v1/webhooks/{webhook.Id()}/roll-secret", null);

        var rolled = await ApiAssert.JsonAsync(response);
        Assert.Equal(["id", "secret", "oldSecretExpiresAt"], rolled.EnumerateObject().Select(p => p.Name));
        Assert.Equal(webhook.Id(), rolled.Id());
        var secret = rolled.GetProperty("secret").GetString()!;
        Assert.Matches("^whsec_[0-9A-Za-z]{40}$", secret);
        Assert.NotEqual(old, secret);
        Assert.Equal(app.Clock.GetUtcNow().AddHours(24), rolled.GetProperty("oldSecretExpiresAt").GetDateTimeOffset());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());

        var fetched = await session.GetJsonAsync($"/api/v1/webhooks/{webhook.Id()}");
        Assert.Equal(["id", "url", "events", "description", "enabled", "createdAt", "updatedAt"], fetched.EnumerateObject().Select(p => p.Name));
        Assert.DoesNotContain(secret, (await session.GetJsonAsync("/api/v1/webhooks")).GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(app.Logs.Lines(), line => line.Contains(secret, StringComparison.Ordinal));

        // An empty object is the same as no body.
        using var empty = await session.Client.PostAsync($"/api/v1/webhooks/{webhook.Id()}/roll-secret", new StringContent("{}", Encoding.UTF8, "application/json"));
        var again = await ApiAssert.JsonAsync(empty);
        Assert.Equal(app.Clock.GetUtcNow().AddHours(24), again.GetProperty("oldSecretExpiresAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task During_the_overlap_every_request_carries_both_signatures_and_each_verifies_then_only_the_new_one()
    {
        await using var receiver = await WebhookReceiver.StartAsync(answers: [StatusCodes.Status500InternalServerError]);
        var session = await app.NewSessionAsync();
        var webhook = await session.CreateWebhookAsync(receiver.UrlOf("/hooks/rolled"), ["memory.created"]);
        var old = webhook.GetProperty("secret").GetString()!;
        var rolled = await session.RollSecretAsync(webhook, 1);
        var secret = rolled.GetProperty("secret").GetString()!;
        Assert.Equal(app.Clock.GetUtcNow().AddHours(1), rolled.GetProperty("oldSecretExpiresAt").GetDateTimeOffset());

        // A new event's first attempt (answered 500), its retry, a ping and a redelivery.
        await session.CreateMemoryAsync("signed twice", []);
        var first = await receiver.NextAsync();
        await Runner.RunOnceAsync();
        app.Clock.Advance(WebhookRetryPolicy.Delays[0]);
        var retry = await receiver.NextAsync();
        await Runner.RunOnceAsync();
        var ping = await PingAsync(session, webhook, receiver);
        var delivered = (await session.DeliveriesAsync(webhook)).Single(d => d.GetProperty("event").GetString() == "memory.created");
        Assert.Equal("succeeded", delivered.GetProperty("status").GetString());
        var redelivered = await RedeliverAsync(session, webhook, delivered, receiver);

        foreach (var request in new[] { first, retry, ping, redelivered })
        {
            AssertSignedByBoth(request, secret, old);
        }

        // 1 s before the old secret stops it still signs; at its expiry only the new one does.
        app.Clock.Advance(TimeSpan.FromHours(1) - WebhookRetryPolicy.Delays[0] - TimeSpan.FromSeconds(1));
        AssertSignedByBoth(await PingAsync(session, webhook, receiver), secret, old);
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        foreach (var request in new[] { await PingAsync(session, webhook, receiver), await RedeliverAsync(session, webhook, delivered, receiver) })
        {
            AssertSignedByNewOnly(request, secret, old);
        }
    }

    [Fact]
    public async Task Zero_hours_stops_the_old_secret_at_once()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var session = await app.NewSessionAsync();
        var webhook = await session.CreateWebhookAsync(receiver.UrlOf("/hooks/now"), ["memory.created"]);
        var old = webhook.GetProperty("secret").GetString()!;

        var rolled = await session.RollSecretAsync(webhook, 0);

        Assert.Equal(app.Clock.GetUtcNow(), rolled.GetProperty("oldSecretExpiresAt").GetDateTimeOffset());
        AssertSignedByNewOnly(await PingAsync(session, webhook, receiver), rolled.GetProperty("secret").GetString()!, old);
        var row = await RowAsync(webhook);
        Assert.Null(row.PreviousProtectedSecret);
        Assert.Null(row.PreviousSecretExpiresAt);
    }

    [Fact]
    public async Task Rolling_again_during_the_overlap_keeps_only_the_secret_being_replaced()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var session = await app.NewSessionAsync();
        var webhook = await session.CreateWebhookAsync(receiver.UrlOf("/hooks/twice"), ["memory.created"]);
        var original = webhook.GetProperty("secret").GetString()!;
        var firstRoll = (await session.RollSecretAsync(webhook, 24)).GetProperty("secret").GetString()!;
        app.Clock.Advance(TimeSpan.FromMinutes(10));

        var second = await session.RollSecretAsync(webhook, 2);

        var secret = second.GetProperty("secret").GetString()!;
        Assert.Equal(app.Clock.GetUtcNow().AddHours(2), second.GetProperty("oldSecretExpiresAt").GetDateTimeOffset());
        var ping = await PingAsync(session, webhook, receiver);
        AssertSignedByBoth(ping, secret, firstRoll);
        Assert.False(WebhookTestApi.SignatureIsValid(ping, original, out _), "The secret from before the first roll still signs.");
        app.Clock.Advance(TimeSpan.FromHours(2));
        AssertSignedByNewOnly(await PingAsync(session, webhook, receiver), secret, firstRoll);
    }

    [Fact]
    public async Task Secrets_are_stored_only_in_their_data_protection_form()
    {
        var session = await app.NewSessionAsync();
        var webhook = await session.CreateWebhookAsync("https://hooks.example.com/stored", ["memory.created"]);
        var old = webhook.GetProperty("secret").GetString()!;

        var secret = (await session.RollSecretAsync(webhook)).GetProperty("secret").GetString()!;

        var row = await RowAsync(webhook);
        foreach (var stored in new[] { row.ProtectedSecret, row.PreviousProtectedSecret! })
        {
            foreach (var plain in new[] { secret, old })
            {
                Assert.DoesNotContain(plain, stored, StringComparison.Ordinal);
                Assert.DoesNotContain(plain[WebhookSecrets.Prefix.Length..], stored, StringComparison.Ordinal);
            }
        }

        var protector = app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("Memsolus.Webhooks.Secret");
        Assert.Equal(secret, protector.Unprotect(row.ProtectedSecret));
        Assert.Equal(old, protector.Unprotect(row.PreviousProtectedSecret!));
        Assert.Equal(app.Clock.GetUtcNow().AddHours(24), row.PreviousSecretExpiresAt);
    }

    // What a lost data-protection key ring leaves: a secret nothing can sign with. Rolling is the
    // way out, and the unreadable secret is not kept signing beside the new one.
    [Fact]
    public async Task Roll_of_a_secret_that_can_no_longer_be_decrypted_signs_with_the_new_one_alone()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var session = await app.NewSessionAsync();
        var webhook = await session.CreateWebhookAsync(receiver.UrlOf("/hooks/lost-key"), ["memory.created"]);
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync())
        {
            await db.Webhooks.Where(w => w.Id == webhook.Id()).ExecuteUpdateAsync(s => s.SetProperty(w => w.ProtectedSecret, "CfDJ8not-a-protected-payload"));
        }

        var rolled = await session.RollSecretAsync(webhook, 24);

        Assert.Equal(app.Clock.GetUtcNow(), rolled.GetProperty("oldSecretExpiresAt").GetDateTimeOffset());
        var ping = await PingAsync(session, webhook, receiver);
        Assert.Single(ping.Signatures());
        Assert.True(WebhookTestApi.SignatureIsValid(ping, rolled.GetProperty("secret").GetString()!, out _), $"Bad signature {ping.Signature}");
        Assert.Equal("succeeded", Assert.Single(await session.DeliveriesAsync(webhook)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Another_owners_or_environments_webhook_or_an_unknown_id_is_404_and_nothing_changes()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var owner = await app.NewSessionAsync();
        var webhook = await owner.CreateWebhookAsync(receiver.UrlOf("/hooks/mine"), ["memory.created"]);
        var secret = webhook.GetProperty("secret").GetString()!;
        var before = await RowAsync(webhook);
        var stranger = await app.NewSessionAsync();
        var otherEnvironment = await app.NewSessionAsync(owner.Owner, environment: ApiKeyEnvironment.Test);

        foreach (var (outsider, path) in new[]
                 {
                     (stranger, $"/api/v1/webhooks/{webhook.Id()}/roll-secret"),
                     (otherEnvironment, $"/api/v1/webhooks/{webhook.Id()}/roll-secret"),
                     (owner, $"/api/v1/webhooks/{Guid.NewGuid()}/roll-secret"),
                 })
        {
            using var response = await outsider.Client.PostAsJsonAsync(path, new { oldSecretExpiresInHours = 0 });
            var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.NotFound);
            Assert.DoesNotContain("whsec_", problem.GetRawText(), StringComparison.Ordinal);
        }

        var after = await RowAsync(webhook);
        Assert.Equal((before.ProtectedSecret, before.PreviousProtectedSecret, before.UpdatedAt), (after.ProtectedSecret, after.PreviousProtectedSecret, after.UpdatedAt));
        var ping = await PingAsync(owner, webhook, receiver);
        Assert.Single(ping.Signatures());
        Assert.True(WebhookTestApi.SignatureIsValid(ping, secret, out _), $"Bad signature {ping.Signature}");
    }

    public static TheoryData<string, string> HostileBodies => new()
    {
        { """{"oldSecretExpiresInHours":-1}""", "oldSecretExpiresInHours" },
        { """{"oldSecretExpiresInHours":169}""", "oldSecretExpiresInHours" },
        { """{"oldSecretExpiresInHours":2147483648}""", "oldSecretExpiresInHours" },
        { """{"oldSecretExpiresInHours":99999999999999999999999999999999}""", "oldSecretExpiresInHours" },
        { """{"oldSecretExpiresInHours":1e400}""", "oldSecretExpiresInHours" },
        { """{"oldSecretExpiresInHours":-0.5}""", "oldSecretExpiresInHours" },
        { """{"oldSecretExpiresInHours":1.5}""", "oldSecretExpiresInHours" },
        { """{"oldSecretExpiresInHours":"24"}""", "oldSecretExpiresInHours" },
        { """{"oldSecretExpiresInHours":true}""", "oldSecretExpiresInHours" },
        { """{"oldSecretExpiresInHours":[24]}""", "oldSecretExpiresInHours" },
        { """{"oldSecretExpiresInHours":{"hours":24}}""", "oldSecretExpiresInHours" },
        { """{"old_secret_expires_in_hours":0}""", "old_secret_expires_in_hours" },
        { """{"oldSecretExpiresInHours":0,"extra":{"deeper":[1,2,3]}}""", "extra" },
        { """{"oldSecretExpiresInHours":"\u0000"}""", "oldSecretExpiresInHours" },
    };

    [Theory]
    [MemberData(nameof(HostileBodies))]
    public async Task Body_out_of_range_or_of_the_wrong_shape_is_400_naming_the_field_and_nothing_changes(string body, string field)
    {
        var session = await app.NewSessionAsync();
        var webhook = await session.CreateWebhookAsync("https://hooks.example.com/hostile", ["memory.created"]);
        var before = await RowAsync(webhook);

        using var response = await session.Client.PostAsync($"/api/v1/webhooks/{webhook.Id()}/roll-secret", new StringContent(body, Encoding.UTF8, "application/json"));

        await ApiAssert.InvalidFieldAsync(response, field);
        Assert.Equal(before.ProtectedSecret, (await RowAsync(webhook)).ProtectedSecret);
    }

    public static TheoryData<string> UnreadableBodies => new()
    {
        "not json",
        "[]",
        "24",
        "\"24\"",
        """{"oldSecretExpiresInHours":""" + new string('[', 200) + new string(']', 200) + "}",
        new string('[', 5000) + new string(']', 5000),
        """{"oldSecretExpiresInHours":1""",
    };

    [Theory]
    [MemberData(nameof(UnreadableBodies))]
    public async Task Body_that_is_not_a_json_object_is_400_problem_never_500(string body)
    {
        var session = await app.NewSessionAsync();
        var webhook = await session.CreateWebhookAsync("https://hooks.example.com/unreadable", ["memory.created"]);
        var before = await RowAsync(webhook);

        using var response = await session.Client.PostAsync($"/api/v1/webhooks/{webhook.Id()}/roll-secret", new StringContent(body, Encoding.UTF8, "application/json"));

        await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(before.ProtectedSecret, (await RowAsync(webhook)).ProtectedSecret);
    }

    private async Task<ReceivedWebhook> PingAsync(ApiSession session, JsonElement webhook, WebhookReceiver receiver)
    {
        using (var response = await session.Client.PostAsync($"/api/v1/webhooks/{webhook.Id()}/test", null))
        {
            await ApiAssert.StatusAsync(response, HttpStatusCode.Accepted);
        }

        var request = await receiver.NextAsync();
        await Runner.RunOnceAsync();
        return request;
    }

    private async Task<ReceivedWebhook> RedeliverAsync(ApiSession session, JsonElement webhook, JsonElement delivery, WebhookReceiver receiver)
    {
        using (var response = await session.Client.PostAsync($"/api/v1/webhooks/{webhook.Id()}/deliveries/{delivery.Id()}/redeliver", null))
        {
            await ApiAssert.StatusAsync(response, HttpStatusCode.Accepted);
        }

        var request = await receiver.NextAsync();
        await Runner.RunOnceAsync();
        return request;
    }

    private async Task<Webhook> RowAsync(JsonElement webhook)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        return await db.Webhooks.AsNoTracking().SingleAsync(w => w.Id == webhook.Id());
    }

    // t=<unix>,v1=<new>,v1=<old>: the receiver's check passes with either secret alone.
    private static void AssertSignedByBoth(ReceivedWebhook request, string secret, string old)
    {
        Assert.Matches("^t=[0-9]+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$", request.Signature);
        Assert.True(WebhookTestApi.SignatureIsValid(request, secret, out _), $"The new secret does not verify {request.Signature}");
        Assert.True(WebhookTestApi.SignatureIsValid(request, old, out _), $"The old secret does not verify {request.Signature}");
        Assert.True(WebhookTestApi.SignatureIsValid(request with { Signature = string.Join(",", request.Signature!.Split(',')[..2]) }, secret, out _), "The first v1 is not the new secret's");
    }

    private static void AssertSignedByNewOnly(ReceivedWebhook request, string secret, string old)
    {
        Assert.Matches("^t=[0-9]+,v1=[0-9a-f]{64}$", request.Signature);
        Assert.True(WebhookTestApi.SignatureIsValid(request, secret, out _), $"The new secret does not verify {request.Signature}");
        Assert.False(WebhookTestApi.SignatureIsValid(request, old, out _), $"The old secret still verifies {request.Signature}");
    }

    public sealed class OnSqlite(AppFixture<OnSqlite> fixture) : WebhookRollSecretTests(fixture.App), IClassFixture<AppFixture<OnSqlite>>, ITestHost
    {
        public static TestHostOptions Options => Host;
    }

    public sealed class OnPostgres(AppFixture<OnPostgres> fixture) : WebhookRollSecretTests(fixture.App), IClassFixture<AppFixture<OnPostgres>>, ITestHost
    {
        public static TestHostOptions Options => Host.OnPostgres();
    }
}
