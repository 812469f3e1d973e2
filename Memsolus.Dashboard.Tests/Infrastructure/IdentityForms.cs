using System.Net;
using System.Text.RegularExpressions;
using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// Drives the server-rendered Identity forms over HTTP the way a browser without JavaScript
// would: fetch the page for its antiforgery token, then post the form fields.
internal static partial class IdentityForms
{
    public static async Task<HttpResponseMessage> PostFormAsync(
        HttpClient client, string path, string formName, IReadOnlyDictionary<string, string> fields)
    {
        var (token, _) = await FormTokenAsync(client, path);
        return await PostWithTokenAsync(client, path, formName, token, fields);
    }

    // The page's antiforgery form token (its cookie lands in the client's cookies), and the page.
    public static async Task<(string Token, string Html)> FormTokenAsync(HttpClient client, string path)
    {
        using var page = await client.GetAsync(path);
        page.EnsureSuccessStatusCode();
        var html = await page.Content.ReadAsStringAsync();
        var token = AntiforgeryToken().Match(html);
        Assert.True(token.Success, $"No antiforgery token on {path}");
        return (WebUtility.HtmlDecode(token.Groups[1].Value), html);
    }

    public static async Task<HttpResponseMessage> PostWithTokenAsync(
        HttpClient client, string path, string formName, string token, IReadOnlyDictionary<string, string> fields)
    {
        var form = new Dictionary<string, string>(fields)
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = formName,
        };
        using var content = new FormUrlEncodedContent(form);
        return await client.PostAsync(path, content);
    }

    public static Task<HttpResponseMessage> RegisterAsync(HttpClient client, string email, string password) =>
        PostFormAsync(client, "/Account/Register", "register", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = password,
        });

    // A new account that can sign in: registered through the form, its address confirmed (as its
    // owner would by opening the mailed link), then signed in on the client. Returns the sign-in
    // post's response, a redirect when it worked.
    public static async Task<HttpResponseMessage> SignUpAsync(
        IServiceProvider app, HttpClient client, string email, string password)
    {
        using (var registered = await RegisterAsync(client, email, password))
        {
            Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        }

        await ConfirmEmailAsync(app, email);
        return await LoginAsync(client, email, password);
    }

    public static async Task ConfirmEmailAsync(IServiceProvider app, string email)
    {
        await using var scope = app.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"No account {email}");
        var confirmed = await users.ConfirmEmailAsync(user, await users.GenerateEmailConfirmationTokenAsync(user));
        Assert.True(confirmed.Succeeded, string.Join(", ", confirmed.Errors.Select(e => e.Description)));
    }

    public static Task<HttpResponseMessage> LoginAsync(HttpClient client, string email, string password) =>
        PostFormAsync(client, "/Account/Login", "login", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
