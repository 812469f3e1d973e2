using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Webhooks;

// A backlog larger than one round of the dispatcher (20 batches) is sent without waiting for the
// next PollInterval tick. The clock is fake and never moves, so a tick never comes: what arrives,
// arrives because one round asked for the next.
public sealed class WebhookBacklogTests(AppFixture<WebhookBacklogTests> fixture) : IClassFixture<AppFixture<WebhookBacklogTests>>, ITestHost
{
    private const int Events = 25;

    public static TestHostOptions Options => new TestHostOptions { FakeClock = true, AllowPrivateNetworks = true }
        .With(new Dictionary<string, string?> { ["Webhooks:BatchSize"] = "1" });

    private MemsolusAppFactory App => fixture.App;

    [Fact]
    public async Task Backlog_larger_than_one_round_is_all_sent_without_a_tick()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var session = await App.NewSessionAsync();
        await session.CreateWebhookAsync(receiver.UrlOf("/hooks/backlog"), ["memory.created"]);

        await App.Services.GetRequiredService<IWebhookEvents>().PublishManyAsync(
            session.Owner.UserId, ApiKeyEnvironment.Live, WebhookEventTypes.MemoryCreated, [.. Enumerable.Range(1, Events).Select(n => (object)new { n })]);

        var ids = new HashSet<Guid>();
        for (var i = 0; i < Events; i++)
        {
            ids.Add((await receiver.NextAsync()).Json().GetProperty("id").GetGuid());
        }

        Assert.Equal(Events, ids.Count);
    }
}
