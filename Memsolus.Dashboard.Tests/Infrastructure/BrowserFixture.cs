using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// One app served by Kestrel on 127.0.0.1 and one headless Chromium for all browser tests; each
// test opens its own browser context (cookies, storage) and registers its own account.
public sealed class BrowserFixture : IAsyncLifetime
{
    private const string ChromiumVariable = "MEMSOLUS_CHROMIUM";
    private IPlaywright? playwright;

    public BrowserFixture()
    {
        App = new(new() { Kestrel = true, Smtp = Mail });
    }

    // Receives the app's mail (confirmation and reset links the tests open).
    public TestSmtpServer Mail { get; } = new();

    public MemsolusAppFactory App { get; }

    public Uri BaseAddress { get; private set; } = default!;

    public IBrowser Browser { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        // Expect(...) waits up to 15 s, as every action does (SetDefaultTimeout below): a bound for a
        // busy CI machine, where a search through the circuit took longer than Playwright's 5 s.
        Assertions.SetDefaultExpectTimeout(15_000);
        var chromium = Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } configured
            ? configured
            : "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            // A browser test must never pass silently because there is no browser.
            throw new InvalidOperationException(
                $"Browser tests need Chromium at {chromium}. Install it with `sudo apt-get install -y chromium` " +
                $"(Debian/Ubuntu), or set {ChromiumVariable} to the path of a Chromium or Chrome binary.");
        }

        await Mail.RestartAsync();
        BaseAddress = App.KestrelAddress;
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
    }

    public Task<IPage> NewPageAsync() => NewPageAsync(BaseAddress);

    // A page on another app this Chromium drives (a suite's own host, e.g. on PostgreSQL), watched
    // the same way.
    public async Task<IPage> NewPageAsync(Uri baseAddress)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            // The secret dialog's Copy button writes to the clipboard; tests read it back.
            Permissions = ["clipboard-read", "clipboard-write"],
        });
        context.SetDefaultTimeout(15_000);
        await PageProblems.WatchAsync(context);
        var page = await context.NewPageAsync();
        PageProblems.Watch(page);
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        await App.DisposeAsync();
        await Mail.DisposeAsync();
    }
}
