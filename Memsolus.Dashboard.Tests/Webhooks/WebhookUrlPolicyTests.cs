using System.Net;
using System.Net.Http.Json;
using Memsolus.Dashboard.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Webhooks;

// With Outbound:AllowPrivateNetworks off (the default), a webhook url whose host is a literal
// internal address is refused when it is created or changed: 400 naming url, nothing stored or
// changed. (With it on, WebhookDeliveryTests deliver to 127.0.0.1.)
public sealed class WebhookUrlPolicyTests(MemsolusAppFactory app) : IClassFixture<MemsolusAppFactory>
{
    public static TheoryData<string> InternalUrls { get; } =
    [
        "http://127.0.0.1/hook",
        "http://127.0.0.1:8080/hook",
        "http://[::1]/hook",
        "http://2130706433/hook",
        "http://0x7f.1/hook",
        "http://0177.0.0.1/hook",
        "http://127.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
        "http://10.1.2.3/hook",
        "http://172.16.0.1/hook",
        "http://172.31.0.1/hook",
        "http://192.168.1.1/hook",
        "http://100.64.0.1/hook",
        "http://198.18.0.1/hook",
        "http://[fc00::1]/hook",
        "http://[fe80::1]/hook",
        "http://[64:ff9b::a9fe:a9fe]/hook",
        "http://[2002:a9fe:a9fe::]/hook",
        "http://[2001::1]/hook",
        "http://[::127.0.0.1]/hook",
        "https://127.0.0.1./hook",
    ];

    [Theory]
    [MemberData(nameof(InternalUrls))]
    public async Task Creating_a_webhook_for_an_internal_address_is_refused_naming_url(string url)
    {
        var session = await app.NewSessionAsync();

        using var response = await session.Client.PostAsJsonAsync("/api/v1/webhooks", new { url, events = new[] { "memory.created" } });

        await ApiAssert.InvalidFieldAsync(response, "url");
        Assert.Empty(await session.ListAsync("/api/v1/webhooks"));
    }

    [Theory]
    [MemberData(nameof(InternalUrls))]
    public async Task Changing_a_webhook_to_an_internal_address_is_refused_naming_url(string url)
    {
        var session = await app.NewSessionAsync();
        var webhook = await session.CreateWebhookAsync("https://hooks.example.com/in", ["memory.created"]);

        using var response = await session.Client.PatchAsJsonAsync($"/api/v1/webhooks/{webhook.Id()}", new { url });

        await ApiAssert.InvalidFieldAsync(response, "url");
        await using var scope = app.Services.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<Memsolus.Dashboard.Data.ApplicationDbContext>>().CreateDbContextAsync();
        Assert.Equal("https://hooks.example.com/in", (await db.Set<Webhook>().SingleAsync(w => w.Id == webhook.Id())).Url);
    }

    [Theory]
    [InlineData("https://hooks.example.com/in")]
    [InlineData("http://93.184.216.34/in")]
    [InlineData("http://[2606:4700:4700::1111]/in")]
    public async Task A_public_address_or_host_name_is_accepted(string url)
    {
        var session = await app.NewSessionAsync();

        using var response = await session.Client.PostAsJsonAsync("/api/v1/webhooks", new { url, events = new[] { "memory.created" } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
