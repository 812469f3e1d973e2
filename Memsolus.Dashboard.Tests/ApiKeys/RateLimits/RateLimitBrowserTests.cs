using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.ApiKeys.RateLimits;

// In a real browser: "Requests per minute" set in the New dialog limits the key at once. The app
// runs on the real clock; at 2 a minute a request comes back every 30 s, far beyond this test.
[Collection(BrowserCollection.Name)]
public sealed partial class RateLimitBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_limit_set_in_the_New_dialog_is_answered_429_by_the_API_after_the_limit()
    {
        var page = await browser.NewPageAsync();
        await BrowserSession.RegisterAsync(browser, page, "ratelimit");
        var newKey = await BrowserSession.OpenApiKeysAsync(page);

        await newKey.ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        var create = dialog.GetByRole(AriaRole.Button, new() { Name = "Create" });
        await dialog.GetByLabel("Name").FillAsync("limited-agent");
        await dialog.GetByRole(AriaRole.Checkbox, new() { Name = "memory.read", Exact = true }).CheckAsync();
        await Assertions.Expect(create).ToBeEnabledAsync();

        var limit = dialog.GetByLabel("Requests per minute");
        await limit.FillAsync("none");
        await Assertions.Expect(dialog.GetByText("Enter a whole number from 1 to 1,000,000, or leave it empty for no limit.")).ToBeVisibleAsync();
        await Assertions.Expect(create).ToBeDisabledAsync();
        await limit.FillAsync("2");
        await Assertions.Expect(create).ToBeEnabledAsync();
        await create.ClickAsync();

        var field = page.GetByRole(AriaRole.Dialog).GetByLabel("API key", new() { Exact = true });
        await Assertions.Expect(field).ToHaveValueAsync(LiveKey());
        var secret = await field.InputValueAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "limited-agent" })).ToContainTextAsync("2/min");

        using var api = new HttpClient { BaseAddress = browser.BaseAddress };
        api.DefaultRequestHeaders.Add("X-Api-Key", secret);
        for (var remaining = 1; remaining >= 0; remaining--)
        {
            using var served = await api.GetAsync("/api/v1/me");
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal("\"per-key\";q=2;w=60", Assert.Single(served.Headers.GetValues("RateLimit-Policy")));
            Assert.StartsWith($"\"per-key\";r={remaining};t=", Assert.Single(served.Headers.GetValues("RateLimit")), StringComparison.Ordinal);
        }

        using var refused = await api.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.InRange(int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture), 1, 30);
        Assert.StartsWith("\"per-key\";r=0;t=", Assert.Single(refused.Headers.GetValues("RateLimit")), StringComparison.Ordinal);
    }

    [GeneratedRegex("^msk_live_[0-9A-Za-z]{42}$")]
    private static partial Regex LiveKey();
}
