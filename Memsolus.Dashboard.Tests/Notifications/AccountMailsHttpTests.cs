using System.Net;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Mail;
using Memsolus.Dashboard.Notifications;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Notifications;

// The account pages' mails through the running app: a request with an attacker's Host header still
// gets a link on Email:PublicBaseUrl, and the links work.
public sealed class AccountMailsHttpTests(AppFixture<QueuedMailHost> fixture) : IClassFixture<AppFixture<QueuedMailHost>>
{
    private const string NewPassword = "A-Brand-New-Password-77";

    private MemsolusAppFactory App => fixture.App;

    [Fact]
    public void Identity_sends_through_the_account_mails()
    {
        Assert.IsType<AccountMails>(App.Services.GetRequiredService<IEmailSender<ApplicationUser>>());
    }

    [Fact]
    public async Task Forgot_password_asked_with_a_hostile_Host_header_mails_a_link_on_the_public_address_that_resets_the_password()
    {
        var email = await ConfirmedAccountAsync();
        var attacker = App.CreateClient(new() { AllowAutoRedirect = false });
        attacker.DefaultRequestHeaders.Host = "evil.example";

        using (var asked = await IdentityForms.PostFormAsync(attacker, "/Account/ForgotPassword", "forgot-password", new Dictionary<string, string> { ["Input.Email"] = email }))
        {
            Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        }

        var mail = Assert.Single(await MailsToAsync(email));
        Assert.Equal(MailKinds.ResetPassword, mail.Kind);
        Assert.DoesNotContain("evil.example", mail.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", mail.Html, StringComparison.Ordinal);
        var link = mail.LinkStartingWith(QueuedMailHost.PublicBaseUrl);
        Assert.Equal("/Account/ResetPassword", link.AbsolutePath);

        // The owner opens it (the test server stands in for the public address) and resets.
        var owner = App.CreateClient(new() { AllowAutoRedirect = false });
        using (var reset = await IdentityForms.PostFormAsync(owner, link.PathAndQuery, "reset-password", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = NewPassword,
            ["Input.ConfirmPassword"] = NewPassword,
            ["Input.Code"] = CodeOnPage(await owner.GetStringAsync(link.PathAndQuery)),
        }))
        {
            Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
            Assert.Equal("/Account/ResetPasswordConfirmation", new Uri(new Uri("http://localhost/"), reset.Headers.Location!).AbsolutePath);
        }

        using var signedIn = await IdentityForms.LoginAsync(App.CreateClient(new() { AllowAutoRedirect = false }), email, NewPassword);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/", signedIn.Headers.Location?.AbsolutePath);
    }

    [Fact]
    public async Task Changing_the_address_mails_the_new_address_a_link_that_changes_it()
    {
        var email = await ConfirmedAccountAsync();
        var newEmail = TestAccounts.NewEmail("moved");
        var client = App.CreateClient(new() { AllowAutoRedirect = false });
        using (await IdentityForms.LoginAsync(client, email, TestAccounts.Password))
        {
        }

        using (await IdentityForms.PostFormAsync(client, "/Account/Manage/Email", "change-email", new Dictionary<string, string> { ["Input.NewEmail"] = newEmail }))
        {
        }

        var mail = Assert.Single(await MailsToAsync(newEmail));
        Assert.Equal(MailKinds.ConfirmEmailChange, mail.Kind);
        var link = mail.LinkStartingWith(QueuedMailHost.PublicBaseUrl);
        Assert.Equal("/Account/ConfirmEmailChange", link.AbsolutePath);

        var page = await client.GetStringAsync(link.PathAndQuery);

        Assert.Contains("Thank you for confirming your email change.", page, StringComparison.Ordinal);
        await using var scope = App.Services.CreateAsyncScope();
        Assert.NotNull(await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(newEmail));
    }

    private async Task<string> ConfirmedAccountAsync()
    {
        var email = TestAccounts.NewEmail();
        await using var scope = App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var created = await users.CreateAsync(new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true }, TestAccounts.Password);
        Assert.True(created.Succeeded);
        return email;
    }

    private async Task<List<QueuedMail>> MailsToAsync(string email)
    {
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        return (await QueuedMail.ReadAsync(db, App.Services.GetRequiredService<MailOutbox>())).Where(m => m.To == email).ToList();
    }

    private static string CodeOnPage(string html)
    {
        var match = System.Text.RegularExpressions.Regex.Match(html, "name=\"Input.Code\" value=\"([^\"]*)\"");
        Assert.True(match.Success, "No reset code on the page");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }
}
