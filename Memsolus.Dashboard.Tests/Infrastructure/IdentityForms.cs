using System.Net;
using System.Text.RegularExpressions;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// Drives the server-rendered Identity forms over HTTP the way a browser without JavaScript
// would: fetch the page for its antiforgery token, then post the form fields.
internal static partial class IdentityForms
{
    public static async Task<HttpResponseMessage> PostFormAsync(
        HttpClient client, string path, string formName, IReadOnlyDictionary<string, string> fields)
    {
        using var page = await client.GetAsync(path);
        page.EnsureSuccessStatusCode();
        var html = await page.Content.ReadAsStringAsync();
        var token = AntiforgeryToken().Match(html);
        Assert.True(token.Success, $"No antiforgery token on {path}");

        var form = new Dictionary<string, string>(fields)
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
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

    public static Task<HttpResponseMessage> LoginAsync(HttpClient client, string email, string password) =>
        PostFormAsync(client, "/Account/Login", "login", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
