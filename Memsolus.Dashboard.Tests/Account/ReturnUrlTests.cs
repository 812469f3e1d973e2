using System.Net;
using System.Security.Cryptography;
using Memsolus.Dashboard.Account;
using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Account;

// A ReturnUrl that would take the browser to another site (or run script) is ignored: the sign-in
// still succeeds and lands on the app's root. It never answers 500 and never redirects away.
public sealed class ReturnUrlTests(MemsolusAppFactory app) : IClassFixture<MemsolusAppFactory>
{
    private static readonly Uri Root = new("http://localhost/");

    public static TheoryData<string> HostileReturnUrls { get; } =
    [
        "//evil.example",
        "///evil.example",
        "http://evil.example",
        "https://evil.example/settings/api-keys",
        "HTTP://evil.example",
        "http:evil.example",
        "/\\evil.example",
        "\\/evil.example",
        "\\\\evil",
        "/%5Cevil.example",
        "/%5cevil.example",
        "%2F%2Fevil.example",
        "/%2Fevil.example",
        "https:\\\\evil.example",
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "javascript%3Aalert(1)",
        "data:text/html,<script>alert(1)</script>",
        " //evil.example",
        "\t//evil.example",
        "\u0001//evil.example",
        "/\t/evil.example",
        "/\r\n/evil.example",
        "%09//evil.example",
        "http://localhost@evil.example/",
        "http://localhost.evil.example/",
    ];

    [Theory]
    [MemberData(nameof(HostileReturnUrls))]
    public void The_rule_refuses_a_hostile_return_url(string returnUrl) =>
        Assert.Equal("", IdentityRedirectManager.LocalPathOrRoot(returnUrl, Root.AbsoluteUri));

    [Theory]
    [InlineData("settings/api-keys", "settings/api-keys")]
    [InlineData("/settings/api-keys", "/settings/api-keys")]
    [InlineData("/settings/api-keys?page=2#top", "/settings/api-keys?page=2#top")]
    [InlineData("http://localhost/settings/api-keys", "settings/api-keys")]
    [InlineData("HTTP://LOCALHOST/settings/api-keys", "settings/api-keys")]
    [InlineData("/audit?from=10:00", "/audit?from=10:00")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void The_rule_keeps_an_address_of_this_app(string? returnUrl, string expected) =>
        Assert.Equal(expected, IdentityRedirectManager.LocalPathOrRoot(returnUrl, Root.AbsoluteUri));

    [Theory]
    [MemberData(nameof(HostileReturnUrls))]
    public async Task Sign_in_with_a_hostile_return_url_succeeds_and_lands_on_the_root(string returnUrl)
    {
        var email = await NewAccountAsync();
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });

        using var login = await LoginAsync(client, email, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal(Root, Landing(login));
        await AssertSignedInAsync(client);
    }

    [Theory]
    [InlineData("/settings/api-keys")]
    [InlineData("settings/api-keys")]
    [InlineData("http://localhost/settings/api-keys")]
    public async Task Sign_in_with_a_local_return_url_goes_there(string returnUrl)
    {
        var email = await NewAccountAsync();
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });

        using var login = await LoginAsync(client, email, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal(new Uri(Root, "/settings/api-keys"), Landing(login));
    }

    [Theory]
    [MemberData(nameof(HostileReturnUrls))]
    public async Task Register_with_a_hostile_return_url_answers_a_local_redirect(string returnUrl)
    {
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });

        using var register = await IdentityForms.PostFormAsync(client, WithReturnUrl("/Account/Register", returnUrl), "register",
            new Dictionary<string, string>
            {
                ["Input.Email"] = TestAccounts.NewEmail(),
                ["Input.Password"] = TestAccounts.Password,
                ["Input.ConfirmPassword"] = TestAccounts.Password,
            });

        Assert.Equal(HttpStatusCode.Redirect, register.StatusCode);
        Assert.Equal(new Uri(Root, "/Account/RegisterConfirmation"), new Uri(Landing(register).GetLeftPart(UriPartial.Path)));
    }

    [Theory]
    [MemberData(nameof(HostileReturnUrls))]
    public async Task Two_factor_sign_in_with_a_hostile_return_url_lands_on_the_root(string returnUrl)
    {
        var (email, key, _) = await NewTwoFactorAccountAsync();
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });
        using (var login = await LoginAsync(client, email, returnUrl))
        {
            Assert.Equal("/Account/LoginWith2fa", Landing(login).AbsolutePath);
        }

        using var second = await IdentityForms.PostFormAsync(client, WithReturnUrl("/Account/LoginWith2fa", returnUrl), "login-with-2fa",
            new Dictionary<string, string> { ["Input.TwoFactorCode"] = AuthenticatorCode(key) });

        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Equal(Root, Landing(second));
        await AssertSignedInAsync(client);
    }

    [Theory]
    [MemberData(nameof(HostileReturnUrls))]
    public async Task Recovery_code_sign_in_with_a_hostile_return_url_lands_on_the_root(string returnUrl)
    {
        var (email, _, recoveryCode) = await NewTwoFactorAccountAsync();
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });
        using (var login = await LoginAsync(client, email, returnUrl))
        {
            Assert.Equal("/Account/LoginWith2fa", Landing(login).AbsolutePath);
        }

        using var second = await IdentityForms.PostFormAsync(client, WithReturnUrl("/Account/LoginWithRecoveryCode", returnUrl),
            "login-with-recovery-code", new Dictionary<string, string> { ["Input.RecoveryCode"] = recoveryCode });

        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Equal(Root, Landing(second));
        await AssertSignedInAsync(client);
    }

    [Theory]
    [MemberData(nameof(HostileReturnUrls))]
    public async Task Sign_out_with_a_hostile_return_url_lands_on_the_root(string returnUrl)
    {
        var email = await NewAccountAsync();
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });
        using (var login = await LoginAsync(client, email, null))
        {
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        }

        var (token, _) = await IdentityForms.FormTokenAsync(client, "/Account/Manage");
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["ReturnUrl"] = returnUrl,
        });
        using var logout = await client.PostAsync("/Account/Logout", content);

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal(Root, Landing(logout));
    }

    private static string WithReturnUrl(string path, string? returnUrl) =>
        returnUrl is null ? path : $"{path}?ReturnUrl={Uri.EscapeDataString(returnUrl)}";

    private static Task<HttpResponseMessage> LoginAsync(HttpClient client, string email, string? returnUrl) =>
        IdentityForms.PostFormAsync(client, WithReturnUrl("/Account/Login", returnUrl), "login", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = TestAccounts.Password,
        });

    private static Uri Landing(HttpResponseMessage response)
    {
        var location = response.Headers.Location;
        Assert.NotNull(location);
        return new Uri(Root, location);
    }

    private static async Task AssertSignedInAsync(HttpClient client)
    {
        using var home = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
    }

    private async Task<string> NewAccountAsync()
    {
        var email = TestAccounts.NewEmail();
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var created = await users.CreateAsync(new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true }, TestAccounts.Password);
        Assert.True(created.Succeeded, string.Join(", ", created.Errors.Select(e => e.Description)));
        return email;
    }

    private async Task<(string Email, string Key, string RecoveryCode)> NewTwoFactorAccountAsync()
    {
        var email = await NewAccountAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException(email);
        await users.ResetAuthenticatorKeyAsync(user);
        await users.SetTwoFactorEnabledAsync(user, true);
        var codes = await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 1) ?? throw new InvalidOperationException("no codes");
        return (email, await users.GetAuthenticatorKeyAsync(user) ?? throw new InvalidOperationException("no key"), codes.Single());
    }

    // The six digits an authenticator app shows now (RFC 6238: HMAC-SHA1 over 30-second steps of
    // the Base32 key). Identity accepts neighbouring steps, so a step boundary does not matter.
    private static string AuthenticatorCode(string base32Key)
    {
        var bits = base32Key.TrimEnd('=').ToUpperInvariant()
            .Select(c => "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".IndexOf(c, StringComparison.Ordinal))
            .SelectMany(v => Enumerable.Range(0, 5).Select(i => (v >> (4 - i)) & 1))
            .ToArray();
        var key = Enumerable.Range(0, bits.Length / 8)
            .Select(b => (byte)Enumerable.Range(0, 8).Aggregate(0, (acc, i) => (acc << 1) | bits[(b * 8) + i]))
            .ToArray();
        var step = BitConverter.GetBytes(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(step);
        }

        var hash = HMACSHA1.HashData(key, step);
        var offset = hash[^1] & 0x0F;
        var code = ((hash[offset] & 0x7F) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (code % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }
}
