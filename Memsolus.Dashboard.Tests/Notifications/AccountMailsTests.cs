using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Mail;
using Memsolus.Dashboard.Notifications;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using static Microsoft.Extensions.Options.Options;

namespace Memsolus.Dashboard.Tests.Notifications;

// What the account mails say, in both parts, and where their links point: always the public
// address, never the host a request named (the pages build links from it).
public sealed class AccountMailsTests : IAsyncLifetime
{
    // As the template's pages pass it: built on the request's host, then HTML-encoded.
    private const string AttackerLink = "https://evil.example/Account/ResetPassword?code=Q0RF&amp;returnUrl=%2F";

    private NoticeDatabase db = null!;

    public async Task InitializeAsync() => db = await NoticeDatabase.CreateAsync(DatabaseProvider.Sqlite);

    public async Task DisposeAsync() => await db.DisposeAsync();

    private AccountMails Mails => new(db.Contexts, db.Outbox, db.Links);

    private static ApplicationUser User(string email = "ada@example.com") => new() { Id = "u1", UserName = email, Email = email };

    [Fact]
    public async Task A_reset_link_built_on_an_attackers_host_is_sent_on_the_public_address()
    {
        await Mails.SendPasswordResetLinkAsync(User(), "ada@example.com", AttackerLink);

        var mail = Assert.Single(await db.MailsAsync());
        Assert.Equal(MailKinds.ResetPassword, mail.Kind);
        Assert.Equal("ada@example.com", mail.To);
        Assert.Equal("Reset your password", mail.Subject);
        Assert.Equal("https://dashboard.example.com/Account/ResetPassword?code=Q0RF&returnUrl=%2F", mail.LinkStartingWith("https://").AbsoluteUri);
        // In the HTML, once encoded: the href and the link shown as text.
        Assert.Equal(2, mail.Html.Split("https://dashboard.example.com/Account/ResetPassword?code=Q0RF&amp;returnUrl=%2F").Length - 1);
        Assert.DoesNotContain("evil.example", mail.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", mail.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Confirming_the_accounts_own_address_sends_a_confirm_your_address_mail()
    {
        await Mails.SendConfirmationLinkAsync(User(), "ada@example.com", "http://evil.example:8080/Account/ConfirmEmail?userId=u1&amp;code=abc");

        var mail = Assert.Single(await db.MailsAsync());
        Assert.Equal(MailKinds.ConfirmEmail, mail.Kind);
        Assert.Equal("Confirm your email address", mail.Subject);
        Assert.Contains("Confirm your email address to finish setting up", mail.Text, StringComparison.Ordinal);
        Assert.Contains("Confirm your email address to finish setting up", mail.Html, StringComparison.Ordinal);
        Assert.Equal("https://dashboard.example.com/Account/ConfirmEmail?userId=u1&code=abc", mail.LinkStartingWith("https://").AbsoluteUri);
    }

    [Fact]
    public async Task Confirming_another_address_is_an_email_change_sent_to_the_new_address()
    {
        await Mails.SendConfirmationLinkAsync(User(), "ada.new@example.com", "https://evil.example/Account/ConfirmEmailChange?userId=u1&amp;email=ada.new%40example.com&amp;code=abc");

        var mail = Assert.Single(await db.MailsAsync());
        Assert.Equal(MailKinds.ConfirmEmailChange, mail.Kind);
        Assert.Equal("ada.new@example.com", mail.To);
        Assert.Equal("Confirm your new email address", mail.Subject);
        Assert.Contains("ada@example.com", mail.Text, StringComparison.Ordinal);
        Assert.Equal("https://dashboard.example.com/Account/ConfirmEmailChange?userId=u1&email=ada.new%40example.com&code=abc", mail.LinkStartingWith("https://").AbsoluteUri);
    }

    [Fact]
    public async Task A_reset_code_is_sent_as_text_in_both_parts()
    {
        await Mails.SendPasswordResetCodeAsync(User(), "ada@example.com", "<123456>");

        var mail = Assert.Single(await db.MailsAsync());
        Assert.Equal(MailKinds.ResetPassword, mail.Kind);
        Assert.Contains("Reset code: <123456>", mail.Text, StringComparison.Ordinal);
        Assert.Contains("&lt;123456&gt;", mail.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Someone_registering_with_an_existing_address_tells_its_owner_how_to_sign_in_or_reset()
    {
        await Mails.SendAlreadyRegisteredAsync(User());

        var mail = Assert.Single(await db.MailsAsync());
        Assert.Equal(MailKinds.AlreadyRegistered, mail.Kind);
        Assert.Equal("ada@example.com", mail.To);
        Assert.Equal("Someone tried to register with your address", mail.Subject);
        Assert.Contains("Someone tried to create a Memsolus account with this email address", mail.Text, StringComparison.Ordinal);
        Assert.Equal(
            ["https://dashboard.example.com/Account/ForgotPassword", "https://dashboard.example.com/Account/Login"],
            QueuedMail.Links(mail.Text).Order());
        Assert.Contains("href=\"https://dashboard.example.com/Account/Login\"", mail.Html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://dashboard.example.com/Account/ForgotPassword\"", mail.Html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://dashboard.example.com/memsolus", "/Account/Login", "https://dashboard.example.com/memsolus/Account/Login")]
    [InlineData("https://dashboard.example.com/memsolus/", "https://internal:5000/memsolus/Account/Login?x=1", "https://dashboard.example.com/memsolus/Account/Login?x=1")]
    [InlineData("https://dashboard.example.com", "//evil.example/steal", "https://dashboard.example.com/steal")]
    [InlineData("https://dashboard.example.com", "\\\\evil.example/steal", "https://dashboard.example.com/steal")]
    public void Links_keep_only_path_and_query_under_the_public_address(string publicBaseUrl, string link, string expected)
    {
        var links = new PublicLinks(Create(new MailOptions { PublicBaseUrl = new Uri(publicBaseUrl) }));

        Assert.Equal(expected, links.Rebase(link).AbsoluteUri);
    }

    [Theory]
    [InlineData("http://[::]:8080", "http://localhost:8080/Account/Login")]
    [InlineData("http://+:80", "http://localhost/Account/Login")]
    [InlineData("https://127.0.0.1:5001", "https://127.0.0.1:5001/Account/Login")]
    public void Without_a_public_address_links_use_the_servers_own_first_address(string address, string expected)
    {
        var links = new PublicLinks(Create(new MailOptions()), new AddressedServer(address));

        Assert.Equal(expected, links.Rebase("https://evil.example/Account/Login").AbsoluteUri);
    }

    private sealed class AddressedServer : IServer
    {
        public AddressedServer(string address)
        {
            var addresses = new ServerAddressesFeature();
            addresses.Addresses.Add(address);
            Features.Set<IServerAddressesFeature>(addresses);
        }

        public IFeatureCollection Features { get; } = new FeatureCollection();

        public void Dispose()
        {
        }

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
            where TContext : notnull => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
