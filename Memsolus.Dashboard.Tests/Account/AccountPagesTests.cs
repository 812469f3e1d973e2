using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Memsolus.Dashboard.Account;
using Memsolus.Dashboard.Account.Pages;
using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Account;

// The account forms as an attacker probing for accounts sees them: a known and an unknown
// address get the same page, no link is handed out, and only a confirmed address signs in.
public sealed partial class AccountPagesTests(AppFixture<AccountPagesTests> fixture)
    : ITestHost, IClassFixture<AppFixture<AccountPagesTests>>
{
    public static TestHostOptions Options { get; } = new()
    {
        Services = services => services.AddSingleton<IAlreadyRegisteredNotice, RecordingNotice>(),
    };

    private MemsolusAppFactory App => fixture.App;

    private RecordingNotice Notices => (RecordingNotice)App.Services.GetRequiredService<IAlreadyRegisteredNotice>();

    [Fact]
    public async Task Registering_a_known_address_answers_like_a_new_one_creates_nothing_and_tells_its_owner()
    {
        var known = TestAccounts.NewEmail("known");
        using (await IdentityForms.SignUpAsync(App.Services, NewClient(), known, TestAccounts.Password))
        {
        }

        var unknown = TestAccounts.NewEmail("unknown");
        var (knownAnswer, knownPage) = await RegisterAndFollowAsync(known, "Another-Password-99!");
        var (unknownAnswer, unknownPage) = await RegisterAndFollowAsync(unknown, "Another-Password-99!");

        Assert.Equal(HttpStatusCode.Redirect, knownAnswer.StatusCode);
        Assert.Equal(unknownAnswer.Headers.Location, knownAnswer.Headers.Location);
        Assert.Equal(unknownPage, knownPage);
        Assert.Contains(RegisterConfirmation.Message, knownPage, StringComparison.Ordinal);
        Assert.Equal([known], Notices.Emails.Where(email => email == known || email == unknown));
        await using var scope = App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var owner = await users.FindByEmailAsync(known);
        Assert.NotNull(owner);
        Assert.True(await users.CheckPasswordAsync(owner, TestAccounts.Password));
        Assert.Equal(1, users.Users.Count(u => u.NormalizedEmail == owner.NormalizedEmail));
    }

    [Fact]
    public async Task Password_rules_are_reported_alike_for_a_known_and_an_unknown_address()
    {
        var known = TestAccounts.NewEmail("known");
        using (await IdentityForms.SignUpAsync(App.Services, NewClient(), known, TestAccounts.Password))
        {
        }

        using var forKnown = await IdentityForms.RegisterAsync(NewClient(), known, "only-lowercase-letters");
        using var forUnknown = await IdentityForms.RegisterAsync(NewClient(), TestAccounts.NewEmail("unknown"), "only-lowercase-letters");

        Assert.Equal(HttpStatusCode.OK, forKnown.StatusCode);
        var knownText = VisibleText(await forKnown.Content.ReadAsStringAsync());
        Assert.Contains("at least one digit", knownText, StringComparison.Ordinal);
        Assert.Equal(VisibleText(await forUnknown.Content.ReadAsStringAsync()), knownText);
        Assert.DoesNotContain(known, Notices.Emails);
    }

    [Fact]
    public async Task Forgot_password_answers_alike_for_a_known_an_unconfirmed_and_an_unknown_address()
    {
        var known = TestAccounts.NewEmail("known");
        using (await IdentityForms.SignUpAsync(App.Services, NewClient(), known, TestAccounts.Password))
        {
        }

        var unconfirmed = await RegisterOnlyAsync("unconfirmed");

        var pages = new List<string>();
        foreach (var email in new[] { known, unconfirmed, TestAccounts.NewEmail("unknown") })
        {
            var client = NewClient();
            using var answer = await IdentityForms.PostFormAsync(client, "/Account/ForgotPassword", "forgot-password", new Dictionary<string, string> { ["Input.Email"] = email });
            Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
            Assert.Equal("/Account/ForgotPasswordConfirmation", answer.Headers.Location?.AbsolutePath);
            pages.Add(VisibleText(await client.GetStringAsync(answer.Headers.Location)));
        }

        Assert.Single(pages.Distinct());
        Assert.Contains(ForgotPasswordConfirmation.Message, pages[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resending_the_confirmation_answers_alike_for_a_confirmed_an_unconfirmed_and_an_unknown_address()
    {
        var confirmed = TestAccounts.NewEmail("known");
        using (await IdentityForms.SignUpAsync(App.Services, NewClient(), confirmed, TestAccounts.Password))
        {
        }

        var unconfirmed = await RegisterOnlyAsync("unconfirmed");

        var pages = new List<string>();
        foreach (var email in new[] { confirmed, unconfirmed, TestAccounts.NewEmail("unknown") })
        {
            using var answer = await IdentityForms.PostFormAsync(NewClient(), "/Account/ResendEmailConfirmation", "resend-email-confirmation", new Dictionary<string, string> { ["Input.Email"] = email });
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            pages.Add(VisibleText(await answer.Content.ReadAsStringAsync()));
        }

        Assert.Single(pages.Distinct());
        Assert.Contains(RegisterConfirmation.Message, pages[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_confirmation_hands_out_no_link_and_says_the_same_for_any_address()
    {
        var victim = await RegisterOnlyAsync("victim");
        var client = NewClient();

        var forVictim = await client.GetStringAsync($"/Account/RegisterConfirmation?email={Uri.EscapeDataString(victim)}");
        var forNobody = await client.GetStringAsync($"/Account/RegisterConfirmation?email={Uri.EscapeDataString(TestAccounts.NewEmail("nobody"))}");

        Assert.DoesNotContain("ConfirmEmail", forVictim, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("code=", forVictim, StringComparison.Ordinal);
        Assert.Equal(VisibleText(forNobody), VisibleText(forVictim));
        await using var scope = App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        Assert.False((await users.FindByEmailAsync(victim))!.EmailConfirmed);
    }

    [Fact]
    public async Task An_unconfirmed_account_cannot_sign_in_and_is_told_what_a_wrong_password_is_told()
    {
        var email = await RegisterOnlyAsync("unconfirmed");
        var client = NewClient();

        using var unconfirmed = await IdentityForms.LoginAsync(client, email, TestAccounts.Password);
        using var wrongPassword = await IdentityForms.LoginAsync(NewClient(), email, "Wrong-Password-0001");
        using var unknown = await IdentityForms.LoginAsync(NewClient(), TestAccounts.NewEmail("unknown"), TestAccounts.Password);

        Assert.Equal(HttpStatusCode.OK, unconfirmed.StatusCode);
        var text = VisibleText(await unconfirmed.Content.ReadAsStringAsync());
        Assert.Contains(WebUtility.HtmlDecode(Login.InvalidLoginMessage), text, StringComparison.Ordinal);
        Assert.Equal(text, VisibleText(await wrongPassword.Content.ReadAsStringAsync()));
        Assert.Equal(text, VisibleText(await unknown.Content.ReadAsStringAsync()));
        using (var dashboard = await client.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.Redirect, dashboard.StatusCode);
        }

        await IdentityForms.ConfirmEmailAsync(App.Services, email);
        using var confirmed = await IdentityForms.LoginAsync(client, email, TestAccounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        using var signedIn = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
    }

    [Theory]
    [InlineData("/Account/ConfirmEmail?userId=someone&code=%25%25not-base64")]
    [InlineData("/Account/ConfirmEmail?userId=someone&code=QUJD")]
    public async Task A_broken_confirmation_link_is_answered_as_invalid_not_as_a_server_error(string link)
    {
        using var answer = await NewClient().GetAsync(link);

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("the link is invalid or has expired", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_password_reset_link_with_a_broken_code_is_sent_to_the_invalid_link_page()
    {
        using var answer = await NewClient().GetAsync("/Account/ResetPassword?code=%25%25not-base64");

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal("/Account/InvalidPasswordReset", answer.Headers.Location?.AbsolutePath);
    }

    [Fact]
    public async Task A_reset_with_a_wrong_code_answers_alike_for_a_known_and_an_unknown_address()
    {
        var known = TestAccounts.NewEmail("known");
        using (await IdentityForms.SignUpAsync(App.Services, NewClient(), known, TestAccounts.Password))
        {
        }

        var pages = new List<string>();
        foreach (var email in new[] { known, TestAccounts.NewEmail("unknown") })
        {
            using var answer = await IdentityForms.PostFormAsync(NewClient(), "/Account/ResetPassword?code=QUJD", "reset-password", new Dictionary<string, string>
            {
                ["Input.Email"] = email,
                ["Input.Password"] = "New-Password-1234!",
                ["Input.ConfirmPassword"] = "New-Password-1234!",
                ["Input.Code"] = "ABC",
            });
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            pages.Add(VisibleText(await answer.Content.ReadAsStringAsync()));
        }

        Assert.Single(pages.Distinct());
        Assert.Contains("Invalid token", pages[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_authenticator_page_shows_a_QR_code_drawn_on_the_server_beside_the_key()
    {
        var client = NewClient();
        using (await IdentityForms.SignUpAsync(App.Services, client, TestAccounts.NewEmail("totp"), TestAccounts.Password))
        {
        }

        var html = await client.GetStringAsync("/Account/Manage/EnableAuthenticator");

        var image = QrImage().Match(html);
        Assert.True(image.Success, "No QR code image on the page");
        var png = Convert.FromBase64String(WebUtility.HtmlDecode(image.Groups["png"].Value));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png.Take(4));
        Assert.Contains("alt=\"QR code", image.Value, StringComparison.Ordinal);
        Assert.Matches("data-testid=\"authenticator-key\">[a-z2-7]{4}( [a-z2-7]{1,4})+<", html);
        Assert.DoesNotContain("enable QR code generation", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("qrcode", html.Replace("authenticator-qr", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
    }

    private HttpClient NewClient() => App.CreateClient(new() { AllowAutoRedirect = false });

    private async Task<string> RegisterOnlyAsync(string prefix)
    {
        var email = TestAccounts.NewEmail(prefix);
        using var registered = await IdentityForms.RegisterAsync(NewClient(), email, TestAccounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        return email;
    }

    private async Task<(HttpResponseMessage Answer, string Page)> RegisterAndFollowAsync(string email, string password)
    {
        var client = NewClient();
        var answer = await IdentityForms.RegisterAsync(client, email, password);
        var page = answer.Headers.Location is { } next ? VisibleText(await client.GetStringAsync(next)) : "";
        return (answer, page);
    }

    // What a person reads on the page: no markup, no hidden fields, no antiforgery tokens.
    private static string VisibleText(string html)
    {
        var text = Markup().Replace(html, " ");
        return Whitespace().Replace(WebUtility.HtmlDecode(text), " ").Trim();
    }

    [GeneratedRegex("<(script|style)[^>]*>.*?</\\1>|<[^>]+>", RegexOptions.Singleline)]
    private static partial Regex Markup();

    [GeneratedRegex("\\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex("<img src=\"data:image/png;base64,(?<png>[^\"]+)\"[^>]*>")]
    private static partial Regex QrImage();

    private sealed class RecordingNotice : IAlreadyRegisteredNotice
    {
        private readonly ConcurrentQueue<string> emails = new();

        public IReadOnlyList<string> Emails => [.. emails];

        public Task SendAlreadyRegisteredAsync(ApplicationUser existing, CancellationToken cancellationToken = default)
        {
            emails.Enqueue(existing.Email!);
            return Task.CompletedTask;
        }
    }
}
