using System.Net;
using System.Text.RegularExpressions;
using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Admin;

// Admin:RequireTwoFactor: an administrator without two-factor sign-in is shown how to turn it on
// instead of any admin page; with it on, the page.
public sealed class AdminTwoFactorTests(AppFixture<AdminTwoFactorTests> fixture) : IClassFixture<AppFixture<AdminTwoFactorTests>>, ITestHost
{
    public static TestHostOptions Options { get; } = new TestHostOptions { Admin = TestAdmin.Configured }
        .With(new Dictionary<string, string?> { ["Admin:RequireTwoFactor"] = "true" });

    public static TheoryData<string, string> AdminPages => new()
    {
        { "/admin/api-keys", "All API keys" },
        { "/admin/audit-log", "Audit log: all accounts" },
    };

    private MemsolusAppFactory App => fixture.App;

    [Theory]
    [MemberData(nameof(AdminPages))]
    public async Task Without_two_factor_the_admin_page_explains_how_to_turn_it_on_instead_of_its_content(string path, string heading)
    {
        await SetTwoFactorAsync(TestAccounts.AdminEmail, enabled: false);
        var client = await SignedInAsync(TestAccounts.AdminEmail, TestAccounts.Password);

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Matches(Heading("Turn on two-factor sign-in"), html);
        Assert.Contains("href=\"Account/Manage/TwoFactorAuthentication\"", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(Heading(heading), html);
        Assert.DoesNotContain(">Search<", html, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AdminPages))]
    public async Task With_two_factor_turned_on_the_administrator_gets_the_page(string path, string heading)
    {
        var client = await SignedInAsync(TestAccounts.AdminEmail, TestAccounts.Password);
        // Turned on after signing in (the cookie stays valid), rather than signing in with a code.
        await SetTwoFactorAsync(TestAccounts.AdminEmail, enabled: true);
        try
        {
            using var response = await client.GetAsync(path);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Matches(Heading(heading), html);
            Assert.DoesNotMatch(Heading("Turn on two-factor sign-in"), html);
        }
        finally
        {
            await SetTwoFactorAsync(TestAccounts.AdminEmail, enabled: false);
        }
    }

    [Fact]
    public async Task An_account_without_role_Admin_is_still_denied_rather_than_told_about_two_factor()
    {
        var email = TestAccounts.NewEmail("member");
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var created = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>()
                .CreateAsync(new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true }, TestAccounts.Password);
            Assert.True(created.Succeeded);
        }

        var client = await SignedInAsync(email, TestAccounts.Password);

        using var response = await client.GetAsync("/admin/api-keys");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotMatch(Heading("Turn on two-factor sign-in"), await response.Content.ReadAsStringAsync());
    }

    private async Task<HttpClient> SignedInAsync(string email, string password)
    {
        var client = App.CreateClient(new() { AllowAutoRedirect = false });
        using var signedIn = await IdentityForms.LoginAsync(client, email, password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/", signedIn.Headers.Location?.AbsolutePath);
        return client;
    }

    // The column alone, as the two-factor page leaves it; the security stamp is left as it is, so
    // the test's sign-in cookie stays valid.
    private async Task SetTwoFactorAsync(string email, bool enabled)
    {
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        var normalized = email.ToUpperInvariant();
        var user = await db.Users.SingleAsync(u => u.NormalizedEmail == normalized);
        user.TwoFactorEnabled = enabled;
        await db.SaveChangesAsync();
    }

    private static Regex Heading(string text) => new($"<h1[^>]*>\\s*{Regex.Escape(text)}\\s*</h1>");
}
