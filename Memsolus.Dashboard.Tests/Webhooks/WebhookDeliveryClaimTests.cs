using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Webhooks;

// docs/several-nodes.md "How each queue is claimed": the dispatcher claims a batch of due
// deliveries in one statement (WebhookDeliveryClaim). Claims made at once take disjoint rows, a
// delivery another node holds is left alone until its lease runs out, and on PostgreSQL a claim
// passes over rows another claim has locked instead of waiting for it. The background dispatcher
// is stopped and each test starts from an empty queue, so only the test's claims and runs send.
public abstract class WebhookDeliveryClaimTests(MemsolusAppFactory app)
{
    private static readonly TestHostOptions Host = new() { FakeClock = true, AllowPrivateNetworks = true, StoppedWorkers = [typeof(WebhookDeliveryWorker)] };

    private IDbContextFactory<ApplicationDbContext> Contexts => app.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>();

    [Fact]
    public async Task Claims_made_at_once_take_disjoint_deliveries_and_together_every_one_that_was_due()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await QueueAsync(receiver.UrlOf("/claims"), 40);
        var now = app.Clock.GetUtcNow();

        var claims = await Task.WhenAll(Enumerable.Range(1, 4).Select(n => Task.Run(async () =>
        {
            await using var db = await Contexts.CreateDbContextAsync();
            return (Node: $"node-{n}", Claimed: await WebhookDeliveryClaim.ClaimAsync(db, $"node-{n}", now, now.AddMinutes(5), 10, CancellationToken.None));
        })));

        var sequences = claims.SelectMany(c => c.Claimed.Select(d => d.Sequence)).ToList();
        Assert.Equal(40, sequences.Count);
        Assert.Equal(40, sequences.Distinct().Count());
        await using var check = await Contexts.CreateDbContextAsync();
        var holders = await check.WebhookDeliveries.Where(d => sequences.Contains(d.Sequence)).ToDictionaryAsync(d => d.Sequence, d => d.LeasedBy);
        Assert.All(claims, c => Assert.All(c.Claimed, d => Assert.Equal(c.Node, holders[d.Sequence])));
        Assert.All(claims.SelectMany(c => c.Claimed), d => Assert.Equal(0, d.AttemptCount));
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task A_delivery_another_node_holds_is_left_alone_until_its_lease_runs_out_then_sent_once()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var sequences = await QueueAsync(receiver.UrlOf("/held"), 3);
        var held = sequences[0];
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            var until = app.Clock.GetUtcNow().AddMinutes(1);
            await db.WebhookDeliveries.Where(d => d.Sequence == held).ExecuteUpdateAsync(s => s.Lease("another-node", until));
        }

        Assert.Equal(2, await Runner.RunOnceAsync());
        Assert.Equal(2, receiver.RequestsTo("/held").Count);
        var waiting = await DeliveryAsync(held);
        Assert.Equal(("another-node", 0, WebhookDeliveryStatus.Pending), (waiting.LeasedBy, waiting.AttemptCount, waiting.Status));

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await Runner.RunOnceAsync());

        Assert.Equal(3, receiver.RequestsTo("/held").Count);
        var sent = await DeliveryAsync(held);
        Assert.Equal(((string?)null, 1, WebhookDeliveryStatus.Succeeded), (sent.LeasedBy, sent.AttemptCount, sent.Status));
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            Assert.Equal(1, await db.WebhookDeliveryAttempts.CountAsync(a => a.DeliverySequence == held));
        }
    }

    private WebhookDeliveryRunner Runner => app.Services.GetRequiredService<WebhookDeliveryRunner>();

    // A webhook to `url` with `count` due deliveries, the only due ones in the database.
    private async Task<List<long>> QueueAsync(string url, int count)
    {
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            await db.WebhookDeliveries.Where(d => d.Status == WebhookDeliveryStatus.Pending)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, WebhookDeliveryStatus.Canceled).SetProperty(d => d.NextAttemptAt, (DateTimeOffset?)null));
        }

        var session = await app.NewSessionAsync();
        var webhook = await session.CreateWebhookAsync(url, ["memory.created"]);
        await app.Services.GetRequiredService<IWebhookEvents>().PublishManyAsync(
            session.Owner.UserId, ApiKeyEnvironment.Live, WebhookEventTypes.MemoryCreated, [.. Enumerable.Range(1, count).Select(n => (object)new { n })]);
        await using var read = await Contexts.CreateDbContextAsync();
        return await read.WebhookDeliveries.Where(d => d.Status == WebhookDeliveryStatus.Pending).OrderBy(d => d.Sequence).Select(d => d.Sequence).ToListAsync();
    }

    private async Task<WebhookDelivery> DeliveryAsync(long sequence)
    {
        await using var db = await Contexts.CreateDbContextAsync();
        return await db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.Sequence == sequence);
    }

    public sealed class OnSqlite(AppFixture<OnSqlite> fixture) : WebhookDeliveryClaimTests(fixture.App), IClassFixture<AppFixture<OnSqlite>>, ITestHost
    {
        public static TestHostOptions Options => Host;
    }

    public sealed class OnPostgres(AppFixture<OnPostgres> fixture) : WebhookDeliveryClaimTests(fixture.App), IClassFixture<AppFixture<OnPostgres>>, ITestHost
    {
        public static TestHostOptions Options => Host.OnPostgres();

        private MemsolusAppFactory App => fixture.App;

        // A claim whose transaction is still open holds its rows locked; another claim meanwhile
        // takes the rest at once (SKIP LOCKED) rather than waiting for that transaction to end.
        [Fact]
        public async Task A_claim_passes_over_rows_another_open_claim_has_locked_instead_of_waiting()
        {
            await using var receiver = await WebhookReceiver.StartAsync();
            var sequences = await QueueAsync(receiver.UrlOf("/locked"), 4);
            var contexts = App.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>();
            var now = App.Clock.GetUtcNow();

            await using var first = await contexts.CreateDbContextAsync();
            await using var open = await first.Database.BeginTransactionAsync();
            var locked = await WebhookDeliveryClaim.ClaimAsync(first, "node-a", now, now.AddMinutes(5), 2, CancellationToken.None);

            // A claim that waited for the lock would be canceled here (a bound, not a measurement).
            await using var second = await contexts.CreateDbContextAsync();
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var others = await WebhookDeliveryClaim.ClaimAsync(second, "node-b", now, now.AddMinutes(5), 4, patience.Token);

            Assert.Equal(sequences[..2], locked.Select(d => d.Sequence));
            Assert.Equal(sequences[2..], others.Select(d => d.Sequence));
            await open.RollbackAsync();
        }
    }
}
