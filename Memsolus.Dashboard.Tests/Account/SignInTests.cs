using System.Net;
using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Account;

public abstract class SignInTests(MemsolusAppFactory app)
{
    [Fact]
    public async Task Anonymous_visit_to_the_dashboard_is_sent_to_sign_in()
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Login", response.Headers.Location?.AbsolutePath);
        Assert.Equal("?ReturnUrl=%2F", response.Headers.Location?.Query);
    }

    [Fact]
    public async Task Anonymous_visit_to_account_management_is_sent_to_sign_in()
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.GetAsync("/Account/Manage");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Login", response.Headers.Location?.AbsolutePath);
    }

    [Theory]
    [InlineData("/Account/Login", "Log in")]
    [InlineData("/Account/Register", "Register")]
    public async Task Sign_in_and_register_pages_are_open_to_everyone(string path, string heading)
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches($"<h1[^>]*>{heading}</h1>", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_new_account_is_asked_to_confirm_its_address_and_signs_in_once_it_has()
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false });
        var email = TestAccounts.NewEmail();

        using (var registered = await IdentityForms.RegisterAsync(client, email, TestAccounts.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
            Assert.Equal("/Account/RegisterConfirmation", registered.Headers.Location?.AbsolutePath);
        }

        using (var notYet = await client.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.Redirect, notYet.StatusCode);
        }

        await IdentityForms.ConfirmEmailAsync(app.Services, email);
        using (var signedIn = await IdentityForms.LoginAsync(client, email, TestAccounts.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        using var dashboard = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains($"Welcome to Memsolus, {email}", await dashboard.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_password_shorter_than_12_characters_is_refused_and_no_account_is_made()
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false });
        var email = TestAccounts.NewEmail();

        using var response = await IdentityForms.RegisterAsync(client, email, "Short-Pw-1!");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("must be at least 12", await response.Content.ReadAsStringAsync());
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        Assert.Null(await users.FindByEmailAsync(email));
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_against_the_right_one()
    {
        var email = TestAccounts.NewEmail();
        using (var registered = await IdentityForms.SignUpAsync(app.Services, app.CreateClient(new() { AllowAutoRedirect = false }), email, TestAccounts.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        }

        var client = app.CreateClient(new() { AllowAutoRedirect = false });
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            using var wrong = await IdentityForms.LoginAsync(client, email, $"Wrong-Password-{attempt:D4}");
            if (attempt < 5)
            {
                Assert.Contains("Invalid login attempt", await wrong.Content.ReadAsStringAsync());
            }
        }

        using var right = await IdentityForms.LoginAsync(client, email, TestAccounts.Password);

        // The same answer as an unknown address gets, which never locks (Security/AccountAttackTests).
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("Invalid login attempt", await right.Content.ReadAsStringAsync());
        using var dashboard = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, dashboard.StatusCode);
    }

    public sealed class OnSqlite(MemsolusAppFactory app) : SignInTests(app), IClassFixture<MemsolusAppFactory>;

    public sealed class OnPostgres(AppFixture<Hosts.Postgres> fixture) : SignInTests(fixture.App), IClassFixture<AppFixture<Hosts.Postgres>>;
}
