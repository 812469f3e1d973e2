using System.Net;
using System.Text.RegularExpressions;
using Memsolus.Dashboard.Components.Layout;

namespace Memsolus.Dashboard.Tests.Components.Layout;

// POST /color-scheme, the dark-mode toggle's form for pages without a circuit: a known scheme is
// kept in a cookie and the browser goes back to a page of this app; anything else changes nothing.
public sealed class ColorSchemeEndpointTests(MemsolusAppFactory app) : IClassFixture<MemsolusAppFactory>
{
    [Theory]
    [InlineData("dark")]
    [InlineData("light")]
    public async Task A_known_scheme_is_kept_and_the_browser_goes_back(string scheme)
    {
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });
        using var response = await PostAsync(client, new() { ["scheme"] = scheme, ["returnUrl"] = "/Account/Register?x=1" });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Register?x=1", response.Headers.Location?.OriginalString);
        Assert.Equal($"{ColorScheme.CookieName}={scheme}", SchemeCookie(response)?.Split(';')[0]);
    }

    [Fact]
    public async Task The_chosen_scheme_draws_the_next_page()
    {
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });
        using var before = await client.GetAsync("/Account/Login");
        Assert.DoesNotMatch(DarkPalette(), await before.Content.ReadAsStringAsync());

        using (var chosen = await PostAsync(client, new() { ["scheme"] = "dark", ["returnUrl"] = "/Account/Login" }))
        {
            Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        }

        using var after = await client.GetAsync("/Account/Login");
        Assert.Matches(DarkPalette(), await after.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("purple")]
    [InlineData("DARK")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("dark\u0000")]
    public async Task An_unknown_scheme_is_a_400_that_sets_nothing(string? scheme)
    {
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });
        var fields = new Dictionary<string, string> { ["returnUrl"] = "/" };
        if (scheme is not null)
        {
            fields["scheme"] = scheme;
        }

        using var response = await PostAsync(client, fields);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(SchemeCookie(response));
        if (scheme?.Contains('\0', StringComparison.Ordinal) != true)
        {
            // (A NUL in the form already fails the antiforgery check: a bare 400 before the handler.)
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("javascript:alert(1)")]
    [InlineData("")]
    public async Task A_return_address_outside_the_app_goes_to_the_root(string returnUrl)
    {
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });
        using var response = await PostAsync(client, new() { ["scheme"] = "dark", ["returnUrl"] = returnUrl });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_changes_nothing()
    {
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });
        using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["scheme"] = "dark", ["returnUrl"] = "/" });
        using var response = await client.PostAsync(ColorScheme.Path, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(SchemeCookie(response));
    }

    // The form token of a page that shows the toggle (its cookie lands in the client's cookies).
    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, Dictionary<string, string> fields)
    {
        var (token, _) = await IdentityForms.FormTokenAsync(client, "/Account/Login");
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = token });
        return await client.PostAsync(ColorScheme.Path, content);
    }

    private static string? SchemeCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies)
            ? cookies.FirstOrDefault(c => c.StartsWith(ColorScheme.CookieName + "=", StringComparison.Ordinal))
            : null;

    private static Regex DarkPalette() => ColorSchemeBrowserTests.DarkPaletteInHtml();
}
