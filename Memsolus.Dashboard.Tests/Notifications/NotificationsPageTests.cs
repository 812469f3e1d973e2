using System.Net;
using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Notifications;

// Account settings → Notifications: the owner's choice about expiry reminders, saved per account.
public sealed class NotificationsPageTests(MemsolusAppFactory app) : IClassFixture<MemsolusAppFactory>
{
    private const string Path = "/Account/Manage/Notifications";

    [Fact]
    public async Task The_page_shows_the_choice_says_security_notices_stay_on_and_is_linked_from_account_settings()
    {
        var (client, _) = await SignedInAsync();

        var html = await client.GetStringAsync(Path);

        Assert.Contains("Key expiry reminders", html, StringComparison.Ordinal);
        Assert.Matches("<input[^>]*type=\"checkbox\"[^>]*checked|<input[^>]*checked[^>]*type=\"checkbox\"", html);
        Assert.Contains("cannot be turned off", html, StringComparison.Ordinal);
        Assert.Contains("href=\"Account/Manage/Notifications\"", await client.GetStringAsync("/Account/Manage"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unticking_and_ticking_the_box_saves_the_choice_for_this_account_only()
    {
        var (client, userId) = await SignedInAsync();
        var (_, otherId) = await SignedInAsync();

        using (var off = await IdentityForms.PostFormAsync(client, Path, "notifications", new Dictionary<string, string>()))
        {
            Assert.Equal(HttpStatusCode.Redirect, off.StatusCode);
        }

        Assert.False(await RemindersEnabledAsync(userId));
        Assert.True(await RemindersEnabledAsync(otherId));
        var html = await client.GetStringAsync(Path);
        Assert.Contains("Key expiry reminders are off.", html, StringComparison.Ordinal);
        Assert.DoesNotMatch("<input[^>]*type=\"checkbox\"[^>]*checked", html);

        using (await IdentityForms.PostFormAsync(client, Path, "notifications", new Dictionary<string, string> { ["Input.KeyExpiryReminders"] = "true" }))
        {
        }

        Assert.True(await RemindersEnabledAsync(userId));
    }

    [Fact]
    public async Task An_anonymous_visitor_is_sent_to_sign_in()
    {
        using var response = await app.CreateClient(new() { AllowAutoRedirect = false }).GetAsync(Path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Login", response.Headers.Location?.AbsolutePath);
    }

    private async Task<(HttpClient Client, string UserId)> SignedInAsync()
    {
        var email = TestAccounts.NewEmail();
        string id;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true };
            Assert.True((await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().CreateAsync(user, TestAccounts.Password)).Succeeded);
            id = user.Id;
        }

        var client = app.CreateClient(new() { AllowAutoRedirect = false });
        using (var signedIn = await IdentityForms.LoginAsync(client, email, TestAccounts.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        return (client, id);
    }

    private async Task<bool> RemindersEnabledAsync(string userId)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        return await db.Users.Where(u => u.Id == userId).Select(u => u.ExpiryRemindersEnabled).SingleAsync();
    }
}
