using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.Webhooks;

// The Webhooks screens' browser tests share BrowserFixture's Chromium but run their own app, whose
// outbound policy lets deliveries reach a WebhookReceiver on 127.0.0.1 (Outbound:AllowPrivateNetworks),
// which the shared app rightly refuses. Each page watches for refusals and script errors as
// BrowserFixture's do.
public static class WebhookBrowser
{
    // Public, as AppFixture's type arguments in public test classes must be.
    public static class Hosts
    {
        public sealed class Sqlite : ITestHost
        {
            public static TestHostOptions Options { get; } = new() { Kestrel = true, AllowPrivateNetworks = true };
        }

        public sealed class Postgres : ITestHost
        {
            public static TestHostOptions Options { get; } = Sqlite.Options.OnPostgres();
        }
    }

    internal static async Task<(IPage Page, AuditActor Owner)> SignedInOwnerAsync(BrowserFixture browser, MemsolusAppFactory app, string prefix, int width = 1366)
    {
        var owner = await app.NewOwnerAsync(prefix);
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.KestrelAddress.ToString(),
            Permissions = ["clipboard-read", "clipboard-write"],
            ViewportSize = new ViewportSize { Width = width, Height = 900 },
        });
        context.SetDefaultTimeout(15_000);
        await PageProblems.WatchAsync(context);
        var page = await context.NewPageAsync();
        PageProblems.Watch(page);
        await BrowserFlows.SignInAsync(page, owner.UserName!);
        return (page, owner);
    }

    // The Webhooks page once its buttons work (the circuit is live) and, below 960 px, the drawer
    // has settled (see LayoutBrowserTests.OpenAsync).
    internal static async Task OpenAsync(IPage page, string path = "/webhooks")
    {
        await page.GotoAsync(path);
        await Assertions.Expect(page.GetByTestId("test-mode-switch")).ToHaveAttributeAsync("data-circuit", "live");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Progressbar)).ToHaveCountAsync(0);
        await page.WaitForFunctionAsync("""
            () => (!document.querySelector('.mud-drawer') || window.innerWidth >= 960 || document.querySelector('.mud-drawer--closed'))
                && document.getAnimations().every(a => !(a instanceof CSSTransition) || a.playState !== 'running')
            """);
    }

    internal static async Task<CreatedWebhookDto> CreateAsync(MemsolusAppFactory app, AuditActor owner, string url, ApiKeyEnvironment environment = ApiKeyEnvironment.Live, string? description = null) =>
        await app.Services.GetRequiredService<WebhookStore>().CreateAsync(
            new ApiCaller(owner.UserId, environment, Guid.Empty), url, [WebhookEventTypes.MemoryCreated], description, enabled: true, default)
        ?? throw new InvalidOperationException("Too many webhooks.");

    internal static ILocator Row(IPage page, string url) =>
        page.Locator("table tbody tr").Filter(new() { Has = page.Locator("a.webhook-url").GetByText(url, new() { Exact = true }) });

    internal static ILocator Deliveries(IPage page) => page.GetByTestId("delivery");
}
