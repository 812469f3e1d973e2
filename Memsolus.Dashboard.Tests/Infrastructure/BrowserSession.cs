using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// Steps several browser tests share: a fresh account, signed in, on a page whose circuit is live.
internal static class BrowserSession
{
    // Registers through the form, confirms the address as its owner would (the mailed link itself
    // is AccountFlowBrowserTests' subject), then signs in through the form.
    public static async Task<string> RegisterAsync(BrowserFixture browser, IPage page, string prefix)
    {
        var email = TestAccounts.NewEmail(prefix);
        await page.GotoAsync("/Account/Register");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(TestAccounts.Password);
        await page.GetByLabel("Confirm Password").FillAsync(TestAccounts.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check your email", Level = 1 })).ToBeVisibleAsync();

        await IdentityForms.ConfirmEmailAsync(browser.App.Services, email);
        await LogInAsync(page, email, TestAccounts.Password);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/$"));
        return email;
    }

    public static async Task LogInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
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
