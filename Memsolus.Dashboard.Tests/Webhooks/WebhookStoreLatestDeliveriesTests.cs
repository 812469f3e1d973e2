using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Webhooks;

namespace Memsolus.Dashboard.Tests.Webhooks;

// WebhookStore.LatestDeliveriesAsync, what the Webhooks page shows beside each endpoint: one query
// (grouped per webhook) on each provider, scoped like every other read of the store.
public abstract class WebhookStoreLatestDeliveriesTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestDatabase db = default!;
    private ApiCaller live = default!;

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync(provider);
        var owner = await db.AddOwnerAsync();
        live = new ApiCaller(owner.UserId, ApiKeyEnvironment.Live, Guid.Empty);
    }

    public async Task DisposeAsync() => await db.DisposeAsync();

    [Fact]
    public async Task Each_webhook_has_its_newest_delivery_with_its_attempts_and_one_without_any_has_none()
    {
        var busy = await CreateAsync(live, "https://example.com/busy");
        var quiet = await CreateAsync(live, "https://example.com/quiet");
        var first = await db.Webhooks.QueuePingAsync(live, busy.Id, default);
        await WebhookAttempts.RecordAsync(db, first!.Id, 500, WebhookDeliveryStatus.Failed, "HTTP 500");
        db.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = await db.Webhooks.QueuePingAsync(live, busy.Id, default);
        await WebhookAttempts.RecordAsync(db, second!.Id, 503, WebhookDeliveryStatus.Pending, nextRetryAt: db.Clock.GetUtcNow().AddMinutes(1));
        await WebhookAttempts.RecordAsync(db, second.Id, 200, WebhookDeliveryStatus.Succeeded, durationMs: 87);

        var latest = await db.Webhooks.LatestDeliveriesAsync(live, default);

        var newest = Assert.Single(latest).Value;
        Assert.Equal(busy.Id, latest.Single().Key);
        Assert.False(latest.ContainsKey(quiet.Id));
        Assert.Equal(second.Id, newest.Id);
        Assert.Equal("succeeded", newest.Status);
        Assert.Equal(200, newest.StatusCode);
        Assert.Equal(87, newest.DurationMs);
        Assert.Equal([503, 200], newest.Attempts.Select(a => a.StatusCode ?? 0));
    }

    [Fact]
    public async Task Another_owners_and_the_other_environments_deliveries_are_never_among_them()
    {
        var mine = await CreateAsync(live, "https://example.com/mine");
        var other = new ApiCaller((await db.AddOwnerAsync("other")).UserId, ApiKeyEnvironment.Live, Guid.Empty);
        var theirs = await CreateAsync(other, "https://example.com/theirs");
        var test = live with { Environment = ApiKeyEnvironment.Test };
        var mineInTest = await CreateAsync(test, "https://example.com/mine-test");
        await db.Webhooks.QueuePingAsync(live, mine.Id, default);
        await db.Webhooks.QueuePingAsync(other, theirs.Id, default);
        await db.Webhooks.QueuePingAsync(test, mineInTest.Id, default);

        Assert.Equal([mine.Id], (await db.Webhooks.LatestDeliveriesAsync(live, default)).Keys);
        Assert.Equal([mineInTest.Id], (await db.Webhooks.LatestDeliveriesAsync(test, default)).Keys);
        Assert.Equal([theirs.Id], (await db.Webhooks.LatestDeliveriesAsync(other, default)).Keys);
    }

    private async Task<CreatedWebhookDto> CreateAsync(ApiCaller caller, string url) =>
        await db.Webhooks.CreateAsync(caller, url, [WebhookEventTypes.MemoryCreated], null, enabled: true, default)
            ?? throw new InvalidOperationException("Too many webhooks.");

    public sealed class OnSqlite() : WebhookStoreLatestDeliveriesTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : WebhookStoreLatestDeliveriesTests(DatabaseProvider.Postgres);
}
