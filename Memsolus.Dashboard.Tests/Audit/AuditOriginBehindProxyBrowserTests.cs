using System.Text.RegularExpressions;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.Audit;

// Behind a listed proxy the address an audit event records for a dashboard action is the client
// the proxy names in X-Forwarded-For (on the circuit's own connection); from a peer that is not a
// listed proxy the header is ignored and the socket address is recorded. The browser connects
// from 127.0.0.1 and sends X-Forwarded-For on every request, the circuit's WebSocket included.
[Collection(BrowserCollection.Name)]
public sealed class AuditOriginBehindProxyBrowserTests(BrowserFixture browser, AuditOriginBehindProxyBrowserTests.Apps apps)
    : IClassFixture<AuditOriginBehindProxyBrowserTests.Apps>
{
    private const string ForwardedClient = "203.0.113.9";

    [Fact]
    public async Task Behind_a_listed_proxy_a_key_created_from_the_dashboard_records_the_forwarded_client_address() =>
        Assert.Equal(ForwardedClient, await CreateKeyAndReadItsAddressAsync(apps.BehindLoopbackProxy));

    [Fact]
    public async Task From_a_peer_that_is_not_a_listed_proxy_the_forwarded_address_is_ignored() =>
        Assert.Equal("127.0.0.1", await CreateKeyAndReadItsAddressAsync(apps.BehindAnotherProxy));

    private async Task<string?> CreateKeyAndReadItsAddressAsync(MemsolusAppFactory app)
    {
        var owner = await app.NewOwnerAsync("proxied");
        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.KestrelAddress.ToString(),
            ExtraHTTPHeaders = new Dictionary<string, string> { ["X-Forwarded-For"] = ForwardedClient },
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        await BrowserSession.LogInAsync(page, owner.UserName!, TestAccounts.Password);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/$"));

        var newKey = await BrowserSession.OpenApiKeysAsync(page);
        await newKey.ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Name").FillAsync("behind-proxy");
        await dialog.GetByRole(AriaRole.Checkbox, new() { Name = "memory.read", Exact = true }).CheckAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Assertions.Expect(page.GetByText("This key is shown only once")).ToBeVisibleAsync();

        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        var created = await db.AuditEvents.AsNoTracking()
            .Where(e => e.EventType == AuditEventTypes.KeyCreated && e.ActorName == owner.UserName)
            .SingleAsync();
        return created.ClientIp;
    }

    // Two apps on Kestrel: one behind a proxy at 127.0.0.1 (where the browser connects from), one
    // that lists another proxy only.
    public sealed class Apps : IAsyncLifetime
    {
        public MemsolusAppFactory BehindLoopbackProxy { get; } = new(new TestHostOptions { Kestrel = true }
            .With(new Dictionary<string, string?> { ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1" }));

        public MemsolusAppFactory BehindAnotherProxy { get; } = new(new TestHostOptions { Kestrel = true }
            .With(new Dictionary<string, string?> { ["ForwardedHeaders:KnownProxies:0"] = "10.0.0.2" }));

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync()
        {
            await BehindLoopbackProxy.DisposeAsync();
            await BehindAnotherProxy.DisposeAsync();
        }
    }
}
