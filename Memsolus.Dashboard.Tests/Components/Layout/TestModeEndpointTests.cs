using System.Net;
using Memsolus.Dashboard.Components.Layout;

namespace Memsolus.Dashboard.Tests.Components.Layout;

// POST /test-mode, the "Test mode" switch's form for pages without a circuit: a known mode is kept
// in a cookie that the next page reads, and the browser goes back to a page of this app; anything
// else changes nothing.
public sealed class TestModeEndpointTests(MemsolusAppFactory app) : IClassFixture<MemsolusAppFactory>
{
    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task A_known_mode_is_kept_and_the_browser_goes_back(string mode)
    {
        using var client = await SignedInClientAsync();
        using var response = await PostAsync(client, new() { ["mode"] = mode, ["returnUrl"] = "/Account/Manage?x=1" });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Manage?x=1", response.Headers.Location?.OriginalString);
        Assert.Equal($"{TestMode.CookieName}={mode}", ModeCookie(response)?.Split(';')[0]);
    }

    [Fact]
    public async Task The_chosen_mode_draws_the_next_page_with_the_band_and_a_checked_switch()
    {
        using var client = await SignedInClientAsync();
        var before = await client.GetStringAsync("/Account/Manage");
        Assert.DoesNotContain("data-testid=\"test-data-marker\"", before, StringComparison.Ordinal);
        Assert.Contains("aria-checked=\"false\"", before, StringComparison.Ordinal);

        using (var chosen = await PostAsync(client, new() { ["mode"] = "on", ["returnUrl"] = "/Account/Manage" }))
        {
            Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        }

        var after = await client.GetStringAsync("/Account/Manage");
        Assert.Contains("data-testid=\"test-data-marker\"", after, StringComparison.Ordinal);
        Assert.Contains("aria-checked=\"true\"", after, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("test")]
    [InlineData("ON")]
    [InlineData("")]
    [InlineData(null)]
    public async Task An_unknown_mode_is_a_400_that_sets_nothing(string? mode)
    {
        using var client = await SignedInClientAsync();
        var fields = new Dictionary<string, string> { ["returnUrl"] = "/" };
        if (mode is not null)
        {
            fields["mode"] = mode;
        }

        using var response = await PostAsync(client, fields);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(ModeCookie(response));
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("javascript:alert(1)")]
    public async Task A_return_address_outside_the_app_goes_to_the_root(string returnUrl)
    {
        using var client = await SignedInClientAsync();
        using var response = await PostAsync(client, new() { ["mode"] = "on", ["returnUrl"] = returnUrl });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_changes_nothing()
    {
        using var client = await SignedInClientAsync();
        using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["mode"] = "on", ["returnUrl"] = "/" });
        using var response = await client.PostAsync(TestMode.Path, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(ModeCookie(response));
    }

    private async Task<HttpClient> SignedInClientAsync()
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false });
        var owner = await app.NewOwnerAsync("test-mode");
        using var login = await IdentityForms.LoginAsync(client, owner.UserName!, TestAccounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return client;
    }

    // The form token of a page that shows the switch (its cookie lands in the client's cookies).
    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, Dictionary<string, string> fields)
    {
        var (token, _) = await IdentityForms.FormTokenAsync(client, "/Account/Manage");
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = token });
        return await client.PostAsync(TestMode.Path, content);
    }

    private static string? ModeCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies)
            ? cookies.FirstOrDefault(c => c.StartsWith(TestMode.CookieName + "=", StringComparison.Ordinal))
            : null;
}
