using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.Audit;

// The address and user agent an audit event records for a dashboard action are those of the
// circuit's SignalR connection, which performs it, not those of the request that loaded the page.
[Collection(BrowserCollection.Name)]
public sealed class AuditOriginBrowserTests(BrowserFixture browser)
{
    private const string PageLoadAgent = "page-load-agent/1.0";

    [Fact]
    public async Task A_key_created_from_the_dashboard_records_the_circuit_connections_user_agent_not_the_page_loads()
    {
        var page = await browser.NewPageAsync();
        var email = await BrowserSession.RegisterAsync(browser, page, "origin");
        var connectionAgent = await page.EvaluateAsync<string>("() => navigator.userAgent");

        // Only the document request of the API Keys page says it is another browser; the
        // circuit's negotiate and WebSocket requests carry the browser's own user agent.
        await page.RouteAsync("**/settings/api-keys", async route =>
        {
            var headers = new Dictionary<string, string>(route.Request.Headers) { ["user-agent"] = PageLoadAgent };
            await route.ContinueAsync(new() { Headers = headers });
        });
        var newKey = await BrowserSession.OpenApiKeysAsync(page);
        await newKey.ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Name").FillAsync("origin-check");
        await dialog.GetByRole(AriaRole.Checkbox, new() { Name = "memory.read", Exact = true }).CheckAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Assertions.Expect(page.GetByText("This key is shown only once")).ToBeVisibleAsync();

        await using var db = await browser.App.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        var created = await db.AuditEvents.AsNoTracking()
            .Where(e => e.EventType == AuditEventTypes.KeyCreated && e.ActorName == email)
            .SingleAsync();
        Assert.Equal(connectionAgent, created.UserAgent);
        Assert.NotEqual(PageLoadAgent, created.UserAgent);
        Assert.Equal("127.0.0.1", created.ClientIp);
    }
}
