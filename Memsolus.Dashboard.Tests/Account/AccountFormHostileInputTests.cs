using System.Net;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Mail;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Account;

// Addresses an attacker types into the account forms: text PostgreSQL cannot hold (a NUL), control
// characters, and addresses the stock [EmailAddress] check lets through but no mail server takes.
// Each form answers with a page, or a 400 where the form binding itself refuses the text (a NUL),
// never a 500; and nothing is stored: no account, no queued mail.
public abstract class AccountFormHostileInputTests(MemsolusAppFactory app)
{
    public static TheoryData<string> HostileAddresses { get; } =
    [
        "eve\0@example.com",
        "eve@example.com\0",
        "eve\u001B@example.com",
        "eve\r\nBcc: all@example.com@example.com",
        "eve smith@example.com",
        "\"eve\"@example.com",
        "eve@exa mple.com",
        new string('e', 300) + "@example.com",
    ];

    [Theory]
    [MemberData(nameof(HostileAddresses))]
    public async Task Each_account_form_answers_a_hostile_address_with_a_page_and_stores_nothing(string address)
    {
        var before = await CountsAsync();
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });

        using var register = await IdentityForms.RegisterAsync(client, address, TestAccounts.Password);
        using var login = await IdentityForms.LoginAsync(client, address, TestAccounts.Password);
        using var forgot = await IdentityForms.PostFormAsync(client, "/Account/ForgotPassword", "forgot-password",
            new Dictionary<string, string> { ["Input.Email"] = address });
        using var resend = await IdentityForms.PostFormAsync(client, "/Account/ResendEmailConfirmation", "resend-email-confirmation",
            new Dictionary<string, string> { ["Input.Email"] = address });

        foreach (var answer in new[] { register, login, forgot, resend })
        {
            Assert.True(answer.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect or HttpStatusCode.BadRequest,
                $"{answer.RequestMessage?.RequestUri}: {(int)answer.StatusCode}");
        }

        Assert.Equal(before, await CountsAsync());
    }

    // The links mailed to a user carry its id; a forged one with a NUL or broken escape is just a
    // link that does not work.
    [Theory]
    [InlineData("/Account/ConfirmEmail?userId=%00&code=eA")]
    [InlineData("/Account/ConfirmEmail?userId=%ED%A0%80&code=eA")]
    [InlineData("/Account/ConfirmEmailChange?userId=%00&email=a%40example.com&code=eA")]
    [InlineData("/Account/ConfirmEmailChange?userId=x&email=%00%40example.com&code=eA")]
    [InlineData("/Account/ResetPassword?code=%00")]
    public async Task A_forged_account_link_with_unstorable_text_answers_a_page(string link)
    {
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });

        using var answer = await client.GetAsync(link);

        Assert.True(answer.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect or HttpStatusCode.BadRequest, $"{link}: {(int)answer.StatusCode}");
    }

    private async Task<(int Users, int Mails)> CountsAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        return (await db.Users.CountAsync(), await db.OutboxMails.CountAsync(m => m.Status == OutboxMailStatus.Pending || m.Status == OutboxMailStatus.Sent));
    }

    public sealed class OnSqlite(MemsolusAppFactory app) : AccountFormHostileInputTests(app), IClassFixture<MemsolusAppFactory>;

    public sealed class OnPostgres(AppFixture<Hosts.Postgres> fixture) : AccountFormHostileInputTests(fixture.App), IClassFixture<AppFixture<Hosts.Postgres>>;
}
