using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// Steps several browser tests share: a fresh account, signed in, on a page whose circuit is live.
internal static class BrowserSession
{
    public static async Task<string> RegisterAsync(IPage page, string prefix)
    {
        var email = Infrastructure.TestAccounts.NewEmail(prefix);
        await page.GotoAsync("/Account/Register");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Infrastructure.TestAccounts.Password);
        await page.GetByLabel("Confirm Password").FillAsync(Infrastructure.TestAccounts.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/$"));
        return email;
    }

    // Buttons stay disabled until the interactive circuit is connected; a click before that is lost.
    public static async Task<ILocator> OpenApiKeysAsync(IPage page)
    {
        await page.GotoAsync("/settings/api-keys");
        var newKey = page.GetByRole(AriaRole.Button, new() { Name = "New API Key" }).First;
        await Assertions.Expect(newKey).ToBeEnabledAsync();
        return newKey;
    }
}
