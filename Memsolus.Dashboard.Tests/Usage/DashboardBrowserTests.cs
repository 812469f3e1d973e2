using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Usage;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.Usage;

// The dashboard in a real browser: requests made with a key show up per key once counted and
// flushed, and an alert's action opens its dialog on the API Keys page.
[Collection(BrowserCollection.Name)]
public sealed class DashboardBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Owner_sees_a_keys_requests_and_follows_an_alert_to_its_edit_dialog()
    {
        var page = await browser.NewPageAsync();
        var email = await BrowserSession.RegisterAsync(browser, page, "dashboard");
        var key = await CreateFullAccessKeyAsync(email, "admin-script");
        using (var api = new HttpClient { BaseAddress = browser.BaseAddress })
        {
            api.DefaultRequestHeaders.Add("X-Api-Key", key.Secret);
            for (var i = 0; i < 3; i++)
            {
                using var response = await api.GetAsync("/api/v1/me");
                response.EnsureSuccessStatusCode();
            }
        }

        await browser.App.Services.GetRequiredService<RequestCountRecorder>().FlushAsync();

        await page.GotoAsync("/");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("requests-total")).ToContainTextAsync("3 requests");
        // The numbers table under the chart: the key's row holds exactly its name and its count.
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "admin-script" }).GetByRole(AriaRole.Cell))
            .ToHaveTextAsync(["admin-script", "3"]);
        await Assertions.Expect(page.Locator(".mud-chart svg").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("active-keys-live")).ToHaveTextAsync("1");
        var edit = page.GetByRole(AriaRole.Link, new() { Name = "Edit admin-script" });
        await Assertions.Expect(edit).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the dashboard");

        await edit.ClickAsync();

        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToContainTextAsync("Edit admin-script");
        await Assertions.Expect(page).ToHaveURLAsync(new Uri(browser.BaseAddress, "settings/api-keys").ToString());
    }

    private async Task<CreatedApiKey> CreateFullAccessKeyAsync(string email, string name)
    {
        await using var scope = browser.App.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email);
        var owner = new AuditActor(user!.Id, email, "127.0.0.1", "browser-test");
        var result = await scope.ServiceProvider.GetRequiredService<ApiKeyStore>().CreateAsync(owner,
            new CreateApiKeyRequest(name, ApiKeyEnvironment.Live, Permissions.All.Select(p => p.Name).ToList(), ApiKeyExpiration.Never));
        Assert.True(result.Succeeded, result.Error?.Message);
        return result.Value!;
    }
}
