using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.Account;

[Collection(BrowserCollection.Name)]
public sealed class AccountFlowBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Register_sign_in_see_the_dashboard_and_sign_out()
    {
        var page = await browser.NewPageAsync();
        var email = TestAccounts.NewEmail("browser");

        await page.GotoAsync("/Account/Register");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(TestAccounts.Password);
        await page.GetByLabel("Confirm Password").FillAsync(TestAccounts.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Welcome to Memsolus, {email}");
        await SignOutAsync(page);

        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(TestAccounts.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/$"));
        await Assertions.Expect(page.GetByTestId("signed-in-account")).ToHaveTextAsync(email);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Go to API Keys" })).ToBeVisibleAsync();
        await SignOutAsync(page);

        await page.GotoAsync("/");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Account/Login\\?ReturnUrl=%2F$"));
    }

    [Fact]
    public async Task Anonymous_visitor_lands_on_the_sign_in_page()
    {
        var page = await browser.NewPageAsync();

        await page.GotoAsync("/");

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Log in", Level = 1 })).ToBeVisibleAsync();
    }

    private static async Task SignOutAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
        await Assertions.Expect(page.GetByTestId("signed-in-account")).ToHaveCountAsync(0);
    }
}
