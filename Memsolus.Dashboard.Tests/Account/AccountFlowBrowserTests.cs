using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OtpNet;

namespace Memsolus.Dashboard.Tests.Account;

[Collection(BrowserCollection.Name)]
public sealed partial class AccountFlowBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Register_open_the_confirmation_link_from_the_mail_sign_in_and_sign_out()
    {
        var page = await browser.NewPageAsync();
        var email = TestAccounts.NewEmail("browser");

        await page.GotoAsync("/Account/Register");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(TestAccounts.Password);
        await page.GetByLabel("Confirm Password").FillAsync(TestAccounts.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check your email", Level = 1 })).ToBeVisibleAsync();

        // Not before the address is confirmed.
        await BrowserSession.LogInAsync(page, email, TestAccounts.Password);
        await Assertions.Expect(page.GetByText("Invalid login attempt")).ToBeVisibleAsync();

        await page.GotoAsync(await LinkFromNextMailAsync(email, "/Account/ConfirmEmail"));
        await Assertions.Expect(page.GetByText("Thank you for confirming your email.")).ToBeVisibleAsync();

        await BrowserSession.LogInAsync(page, email, TestAccounts.Password);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Welcome to Memsolus, {email}");
        await Assertions.Expect(page.GetByTestId("signed-in-account")).ToHaveTextAsync(email);
        await SignOutAsync(page);

        await page.GotoAsync("/");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Account/Login\\?ReturnUrl=%2F$"));
    }

    [Fact]
    public async Task Forgot_password_open_the_link_from_the_mail_choose_a_new_password_and_sign_in_with_it()
    {
        var page = await browser.NewPageAsync();
        var email = await BrowserSession.RegisterAsync(browser, page, "forgot");
        await SignOutAsync(page);
        const string newPassword = "Another-Horse-Battery-77";

        await page.GotoAsync("/Account/Login");
        await page.GetByRole(AriaRole.Link, new() { Name = "Forgot your password?" }).ClickAsync();
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Reset password" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Check your email", Level = 1 })).ToBeVisibleAsync();

        await page.GotoAsync(await LinkFromNextMailAsync(email, "/Account/ResetPassword"));
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(newPassword);
        await page.GetByLabel("Confirm password").FillAsync(newPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Reset" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Your password has been reset.")).ToBeVisibleAsync();

        await BrowserSession.LogInAsync(page, email, TestAccounts.Password);
        await Assertions.Expect(page.GetByText("Invalid login attempt")).ToBeVisibleAsync();
        await BrowserSession.LogInAsync(page, email, newPassword);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/$"));
        await Assertions.Expect(page.GetByTestId("signed-in-account")).ToHaveTextAsync(email);
    }

    [Fact]
    public async Task Enable_two_factor_from_the_shown_key_and_sign_in_again_with_a_code()
    {
        var page = await browser.NewPageAsync();
        var email = await BrowserSession.RegisterAsync(browser, page, "totp");

        await page.GotoAsync("/Account/Manage/TwoFactorAuthentication");
        await page.GetByRole(AriaRole.Link, new() { Name = "Add authenticator app" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "QR code" })).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(page, "the authenticator page");
        var key = (await page.GetByTestId("authenticator-key").InnerTextAsync()).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        var authenticator = new Totp(Base32Encoding.ToBytes(key));

        await page.GetByLabel("Verification Code").FillAsync(authenticator.ComputeTotp());
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Your authenticator app has been verified.")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".recovery-code")).ToHaveCountAsync(10);
        await SignOutAsync(page);

        await BrowserSession.LogInAsync(page, email, TestAccounts.Password);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Account/LoginWith2fa"));
        await page.GetByLabel("Authenticator code").FillAsync(authenticator.ComputeTotp());
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/$"));
        await Assertions.Expect(page.GetByTestId("signed-in-account")).ToHaveTextAsync(email);
    }

    [Fact]
    public async Task Anonymous_visitor_lands_on_the_sign_in_page()
    {
        var page = await browser.NewPageAsync();

        await page.GotoAsync("/");

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Log in", Level = 1 })).ToBeVisibleAsync();
    }

    // The account pages at a phone's width: axe finds nothing serious and nothing scrolls sideways.
    [Fact]
    public async Task Account_pages_are_accessible_and_fit_a_390_pixel_screen()
    {
        var page = await browser.NewPageAsync();
        await page.SetViewportSizeAsync(390, 844);

        foreach (var (path, heading) in new[] { ("/Account/Login", "Log in"), ("/Account/Register", "Register"), ("/Account/ForgotPassword", "Forgot your password?") })
        {
            await page.GotoAsync(path);
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
            await AssertFitsAsync(page, path);
        }

        // A form's validation messages, in the same look.
        await page.GotoAsync("/Account/Login");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByText("The Email field is required.").First).ToBeVisibleAsync();
        await AssertFitsAsync(page, "/Account/Login with validation messages");

        await BrowserSession.RegisterAsync(browser, page, "narrow");
        foreach (var path in new[] { "/Account/Manage", "/Account/Manage/ChangePassword" })
        {
            await page.GotoAsync(path);
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Manage your account", Level = 1 })).ToBeVisibleAsync();
            await AssertFitsAsync(page, path);
        }
    }

    private static async Task AssertFitsAsync(IPage page, string where)
    {
        await Accessibility.AssertNoSeriousViolationsAsync(page, where);
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"{where} scrolls sideways by {overflow} px at 390 px wide");
    }

    // The link to path in the next mail to the address that has one (an account made by
    // BrowserSession has its confirmation mail waiting too), as a path on the app the browser is on.
    // No such mail within the server's wait fails the test.
    private async Task<string> LinkFromNextMailAsync(string email, string path)
    {
        while (true)
        {
            var mail = await browser.Mail.NextMailToAsync(email);
            var link = MailLink().Matches(mail.Text)
                .Select(m => new Uri(WebUtility.HtmlDecode(m.Value)))
                .FirstOrDefault(uri => uri.AbsolutePath.Equals(path, StringComparison.OrdinalIgnoreCase));
            if (link is not null)
            {
                return link.PathAndQuery;
            }
        }
    }

    private static async Task SignOutAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
        await Assertions.Expect(page.GetByTestId("signed-in-account")).ToHaveCountAsync(0);
    }

    [GeneratedRegex("https?://[^\\s\"'<>]+")]
    private static partial Regex MailLink();
}
