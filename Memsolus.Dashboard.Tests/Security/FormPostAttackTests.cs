using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Security;

// The attack list (docs/security.md#the-attack-list): a form posted to any of the dashboard's POST
// endpoints (the API and the circuit excepted) without a valid antiforgery token, or with a hostile
// field, is refused with a 4xx and never reaches a 500. The endpoints are read from the app's own
// routing, so a new one is covered the day it is added. A status-code page re-running a refused
// POST through the antiforgery check is what answered 500 here.
public sealed class FormPostAttackTests(MemsolusAppFactory app) : IClassFixture<MemsolusAppFactory>
{
    public static TheoryData<string> Bodies => new()
    {
        "",
        "scheme=dark&returnUrl=%2F",
        "mode=on&returnUrl=%2F",
        "__RequestVerificationToken=forged&scheme=dark",
        "__RequestVerificationToken=&returnUrl=%00%01",
        "provider=%00&returnUrl=https%3A%2F%2Fevil.example%2F",
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task A_form_without_a_valid_token_is_refused_and_never_a_500(string body)
    {
        var paths = FormPaths();
        Assert.Contains("/color-scheme", paths);
        Assert.Contains("/report-leak", paths);
        // Not forms, and exempt from antiforgery: GitHub's servers post /leaks/github (proved by its
        // signature over the body) and programs post JSON to /leaks (proved by holding the key, and
        // limited per address), with no cookie to forge (docs/leaks.md). They are still walked
        // here: a form body is refused (401, 400) and never a 500.
        Assert.Contains("/leaks/github", paths);
        Assert.Contains("/leaks", paths);
        Assert.Contains("/test-mode", paths);
        Assert.Contains("/Account/Logout", paths);

        foreach (var signedIn in new[] { false, true })
        {
            using var client = app.CreateClient(new() { AllowAutoRedirect = false });
            if (signedIn)
            {
                var owner = await app.NewOwnerAsync("form-post");
                using var login = await IdentityForms.LoginAsync(client, owner.UserName!, TestAccounts.Password);
                Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            }

            foreach (var path in paths)
            {
                using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
                using var response = await client.PostAsync(path, content);
                // Refused: a 4xx, or a page the caller may not see sending them to sign in (anonymous)
                // or to "access denied" (an owner at an admin page), before any form is read.
                var toSignIn = response.StatusCode == HttpStatusCode.Redirect
                    && response.Headers.Location?.AbsolutePath == (signedIn ? "/Account/AccessDenied" : "/Account/Login");
                Assert.True((int)response.StatusCode is >= 400 and < 500 || toSignIn,
                    $"POST {path} ({(signedIn ? "signed in" : "anonymous")}, body '{body}') answered {(int)response.StatusCode} {response.Headers.Location}.");
                Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies)
                    && cookies.Any(c => c.StartsWith("memsolus-color-scheme=", StringComparison.Ordinal) || c.StartsWith("memsolus-test-mode=", StringComparison.Ordinal)),
                    $"POST {path} set the colour scheme or test mode without a valid token.");
            }
        }
    }

    // Status pages still re-run a page request: only a refused post keeps its bare status.
    [Fact]
    public async Task An_unknown_page_is_still_the_not_found_page()
    {
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });
        using var response = await client.GetAsync("/no-such-page");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("<title>Not found · Memsolus</title>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_personal_data_download_works_with_its_pages_token()
    {
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });
        var owner = await app.NewOwnerAsync("personal-data");
        using (var login = await IdentityForms.LoginAsync(client, owner.UserName!, TestAccounts.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        }

        var (token, _) = await IdentityForms.FormTokenAsync(client, "/Account/Manage/PersonalData");
        using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token });
        using var response = await client.PostAsync("/Account/Manage/DownloadPersonalData", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(owner.UserName!, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    // Every POST route of the app without route parameters, outside the API and the circuit.
    private List<string> FormPaths() =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("POST") == true)
            .Where(e => e.RoutePattern.Parameters.Count == 0)
            .Select(e => "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'))
            .Where(p => !p.StartsWith("/api/", StringComparison.OrdinalIgnoreCase) && !p.StartsWith("/_blazor", StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.Ordinal)
            .ToList();
}
