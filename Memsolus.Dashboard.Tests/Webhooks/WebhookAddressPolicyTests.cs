using System.Text.Json;
using Memsolus.Dashboard.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Webhooks;

// With Outbound:AllowPrivateNetworks off (the default), a webhook may name a host whose addresses
// are loopback ones (only a literal address is refused when it is saved), but the dispatcher
// refuses to connect to it and says so on the attempt; nothing reaches the listener.
public sealed class WebhookAddressPolicyTests(AppFixture<Hosts.FakeClock> fixture) : IClassFixture<AppFixture<Hosts.FakeClock>>
{
    private readonly MemsolusAppFactory app = fixture.App;

    [Fact]
    public async Task Delivery_to_a_name_for_127_0_0_1_fails_with_address_refused_recorded_on_the_attempt()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var session = await app.NewSessionAsync();
        var webhook = await session.CreateWebhookAsync(receiver.UrlOf("/internal").Replace("127.0.0.1", "localhost", StringComparison.Ordinal), ["memory.created"]);
        var start = app.Clock.GetUtcNow();

        await session.CreateMemoryAsync("must not leave the public internet");
        await app.Services.GetRequiredService<WebhookDeliveryRunner>().RunOnceAsync();

        Assert.Empty(receiver.Requests);
        var delivery = Assert.Single(await session.DeliveriesAsync(webhook));
        Assert.Equal("pending", delivery.GetProperty("status").GetString());
        Assert.Equal(1, delivery.GetProperty("attempt").GetInt32());
        Assert.Equal(JsonValueKind.Null, delivery.GetProperty("statusCode").ValueKind);
        Assert.StartsWith("Address refused", delivery.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(start.AddSeconds(10), delivery.GetProperty("nextRetryAt").GetDateTimeOffset());
    }
}
