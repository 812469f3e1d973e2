using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Memsolus.Dashboard.Usage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OtpNet;

namespace Memsolus.Dashboard.Tests.Hosting;

// The dashboard works under its own Content-Security-Policy (Hosting/SecurityHeaders) in a real
// Chromium: every page an administrator can reach, each dialog of the key flow, the 2FA pages that
// show a secret and the API reference (Scalar), with the circuit live over its WebSocket, and not
// one thing refused by the policy nor one script error (PageProblems watches the whole walk).
[Collection(BrowserCollection.Name)]
public sealed partial class ContentSecurityPolicyBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Every_page_and_dialog_works_under_the_policy_and_it_refuses_nothing()
    {
        var email = await NewAdminAsync();
        var page = await browser.NewPageAsync();
        var documents = new ConcurrentQueue<IResponse>();
        page.Response += (_, response) =>
        {
            if (response.Request.ResourceType == "document")
            {
                documents.Enqueue(response);
            }
        };
        var circuits = new ConcurrentQueue<string>();
        page.WebSocket += (_, socket) => circuits.Enqueue(socket.Url);

        // The Identity pages (static server rendering), then the interactive dashboard.
        await page.GotoAsync("/Account/Register");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Register", Level = 1 })).ToBeVisibleAsync();
        await BrowserSession.LogInAsync(page, email, TestAccounts.Password);
        await Assertions.Expect(page.GetByTestId("signed-in-account")).ToHaveTextAsync(email);

        // The circuit is interactive under the policy: a click opens a dialog the server renders.
        var newKey = await BrowserSession.OpenApiKeysAsync(page);
        await newKey.ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByLabel("Name").FillAsync("policy-agent");
        await dialog.GetByRole(AriaRole.Checkbox, new() { Name = "memory.read", Exact = true }).CheckAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Assertions.Expect(page.GetByText("This key is shown only once")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Copied to the clipboard.")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Button, new() { NameRegex = RotateButton() }).ClickAsync();
        dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByRole(AriaRole.Radio, new() { Name = "Immediately" }).CheckAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Rotate" }).ClickAsync();
        await Assertions.Expect(page.GetByText("This key is shown only once")).ToBeVisibleAsync();
        var secret = await page.GetByRole(AriaRole.Dialog).GetByLabel("API key", new() { Exact = true }).InputValueAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        PageProblems.AssertNone(page, "the key flow");

        // Usage, with a request of the rotated key counted: the chart draws.
        using (var api = new HttpClient { BaseAddress = browser.BaseAddress })
        {
            api.DefaultRequestHeaders.Add("X-Api-Key", secret);
            using var me = await api.GetAsync("/api/v1/me");
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        await browser.App.Services.GetRequiredService<RequestCountRecorder>().FlushAsync();
        await page.GotoAsync("/");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".mud-chart svg").First).ToBeVisibleAsync();

        await BrowserSession.OpenApiKeysAsync(page);
        await page.GetByRole(AriaRole.Button, new() { NameRegex = RevokeButton() }).ClickAsync();
        dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Reason (optional)").FillAsync("policy walk");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await page.GetByLabel("Show revoked").CheckAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "policy walk" })).ToContainTextAsync("Revoked");

        await page.GotoAsync("/settings/audit-log");
        await Assertions.Expect(page.Locator("table tbody tr").Filter(new() { HasText = "key.revoked" })).ToHaveCountAsync(1);

        // The account pages, then the two that show a secret: the authenticator's shared key and
        // QR code (a data: image), and the recovery codes, shown once after a form post.
        foreach (var path in new[] { "/Account/Manage", "/Account/Manage/Email", "/Account/Manage/ChangePassword", "/Account/Manage/Passkeys", "/Account/Manage/Notifications", "/Account/Manage/PersonalData", "/Account/Manage/TwoFactorAuthentication" })
        {
            await page.GotoAsync(path);
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Manage your account", Level = 1 })).ToBeVisibleAsync();
        }

        await page.GetByRole(AriaRole.Link, new() { Name = "Add authenticator app" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = "QR code" })).ToBeVisibleAsync();
        Assert.True(await page.GetByRole(AriaRole.Img, new() { Name = "QR code" }).EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"), "The QR code did not load");
        var key = (await page.GetByTestId("authenticator-key").InnerTextAsync()).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        await page.GetByLabel("Verification Code").FillAsync(new Totp(Base32Encoding.ToBytes(key)).ComputeTotp());
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await Assertions.Expect(page.Locator(".recovery-code")).ToHaveCountAsync(10);

        await page.GotoAsync("/Account/Manage/GenerateRecoveryCodes");
        await page.GetByRole(AriaRole.Button, new() { Name = "Generate Recovery Codes" }).ClickAsync();
        await Assertions.Expect(page.Locator(".recovery-code")).ToHaveCountAsync(10);
        PageProblems.AssertNone(page, "the account pages");

        // What an administrator sees; the search box filters over the circuit.
        await page.GotoAsync("/admin/api-keys");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "All API keys", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Revoke all keys of ") }).First).ToBeEnabledAsync();
        await page.GetByLabel("Search").FillAsync(email);
        // The key before its rotation and after: only this account's.
        await Assertions.Expect(page.Locator("table tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("table tbody tr").Filter(new() { HasText = email })).ToHaveCountAsync(2);
        await page.GotoAsync($"/admin/accounts?search={Uri.EscapeDataString(email)}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Accounts", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("account-email")).ToHaveTextAsync([email]);
        await page.GotoAsync("/admin/audit-log");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Audit log: all accounts", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("table tbody tr").Filter(new() { HasText = "key.revoked" }).First).ToBeVisibleAsync();

        await page.GotoAsync("/no-such-page");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not found", Level = 1 })).ToBeVisibleAsync();

        // The API reference starts Scalar with its one inline script, allowed by this response's
        // nonce; Scalar then renders the document.
        await page.GotoAsync("/api-reference");
        await Assertions.Expect(page.GetByText("/api/v1/me").First).ToBeVisibleAsync();

        PageProblems.AssertNone(page, "the end of the walk");
        Assert.Contains(circuits, url => url.Contains("/_blazor", StringComparison.Ordinal));
        Assert.NotEmpty(documents);
        Assert.All(documents, response =>
        {
            var policy = response.Headers.GetValueOrDefault("content-security-policy");
            Assert.True(policy is not null && policy.StartsWith("default-src 'self'; script-src 'self'", StringComparison.Ordinal),
                $"{response.Request.Method} {response.Url} ({response.Status}) carried the policy {policy ?? "(none)"}");
        });
        var secretPages = documents.Where(r => SecretPage().IsMatch(new Uri(r.Url).AbsolutePath)).ToList();
        Assert.Contains(secretPages, r => r.Request.Method == "POST");
        Assert.All(secretPages, r => Assert.Equal("no-store", r.Headers.GetValueOrDefault("cache-control")));
    }

    // A page that loads a script from elsewhere, runs an inline script or handler, or is framed is
    // refused, and the watch sees it: a walk that records nothing above records because nothing was
    // refused, not because nothing is recorded.
    [Fact]
    public async Task The_watch_sees_what_the_policy_refuses()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Log in", Level = 1 })).ToBeVisibleAsync();
        PageProblems.AssertNone(page, "the sign-in page");

        // Through the DevTools protocol, which the policy does not govern, the test adds to the page
        // what injected markup would: an inline script, an image from elsewhere, a string to eval.
        // It resolves once the page has seen three violations, or after 10 s with how many it saw.
        var seen = await page.EvaluateAsync<int>("""
            () => new Promise(resolve => {
                let seen = 0;
                document.addEventListener('securitypolicyviolation', () => { if (++seen === 3) resolve(seen); });
                setTimeout(() => resolve(seen), 10000);
                const inline = document.createElement('script');
                inline.textContent = 'window.inlineRan = true';
                document.body.appendChild(inline);
                const image = document.createElement('img');
                image.src = 'https://images.example/pixel.png';
                document.body.appendChild(image);
                window.setTimeout('window.evalRan = true', 0);
            })
            """);

        Assert.Equal(3, seen);
        Assert.False(await page.EvaluateAsync<bool>("() => window.inlineRan === true || window.evalRan === true"));
        var problems = PageProblems.Of(page);
        Assert.Contains(problems, p => p.Contains("CSP violation: script-src-elem refused inline", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("CSP violation: img-src refused https://images.example/pixel.png", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("CSP violation: script-src refused eval", StringComparison.Ordinal));
    }

    private async Task<string> NewAdminAsync() => (await browser.App.NewAdminAsync("policy")).UserName!;

    [GeneratedRegex("^Rotate policy-agent ")]
    private static partial Regex RotateButton();

    [GeneratedRegex("^Revoke policy-agent ")]
    private static partial Regex RevokeButton();

    [GeneratedRegex("^/(settings/api-keys|Account/Manage/EnableAuthenticator|Account/Manage/GenerateRecoveryCodes)$")]
    private static partial Regex SecretPage();
}
