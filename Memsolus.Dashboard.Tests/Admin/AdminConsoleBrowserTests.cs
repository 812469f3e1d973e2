using System.Net;
using System.Text.RegularExpressions;
using Memsolus.Dashboard.ApiKeys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Memsolus.Dashboard.Tests.Admin;

[Collection(BrowserCollection.Name)]
public sealed class AdminConsoleBrowserTests(BrowserFixture browser)
{
    private const string Reason = "found in a public GitHub repository";

    [Fact]
    public async Task Admin_finds_a_leaked_key_by_pasting_it_revokes_it_and_its_owner_is_told_why()
    {
        // A key that leaked, one more of its owner's, and someone else's key with the same name.
        var owner = await browser.App.NewOwnerAsync("leaky");
        var leaked = await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead], name: "leaky-agent");
        var sibling = await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead], name: "other-agent");
        var bystander = await browser.App.NewOwnerAsync("bystander");
        await browser.App.NewKeyAsync(bystander, [Permissions.MemoryRead], name: "leaky-agent");
        using var api = new HttpClient { BaseAddress = browser.BaseAddress };
        api.DefaultRequestHeaders.Add("X-Api-Key", leaked.Secret);
        using (var before = await api.GetAsync("/api/v1/me"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        // The admin is promoted before signing in, so the sign-in cookie carries role Admin.
        var adminEmail = await NewAdminAsync();
        var admin = await browser.NewPageAsync();
        await SignInAsync(admin, adminEmail);

        await admin.GotoAsync("/admin/api-keys");
        await Assertions.Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "All API keys", Level = 1 })).ToBeVisibleAsync();
        // Rows load once the circuit is live; their buttons are enabled only then.
        await Assertions.Expect(admin.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Revoke all keys of ") }).First).ToBeEnabledAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(admin, "the admin API keys page");

        await admin.GetByLabel("Search").FillAsync(leaked.Secret);

        var rows = admin.Locator("table tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows).ToContainTextAsync(leaked.Key.DisplayKey);
        await Assertions.Expect(rows).ToContainTextAsync(owner.UserName!);
        await Assertions.Expect(rows).ToContainTextAsync("leaky-agent");
        await Assertions.Expect(rows).ToContainTextAsync("Active");

        await admin.GetByRole(AriaRole.Button, new() { Name = $"Revoke leaky-agent ({leaked.Key.DisplayKey})" }).ClickAsync();
        var dialog = admin.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToContainTextAsync(leaked.Key.DisplayKey);
        await Assertions.Expect(dialog).ToContainTextAsync(owner.UserName!);
        await Assertions.Expect(dialog).ToContainTextAsync("stops working immediately");
        var revoke = dialog.GetByRole(AriaRole.Button, new() { Name = "Revoke", Exact = true });
        await Assertions.Expect(revoke).ToBeDisabledAsync();
        await dialog.GetByLabel("Reason").FillAsync(Reason);
        await Assertions.Expect(revoke).ToBeEnabledAsync();
        await Accessibility.AssertNoSeriousViolationsAsync(admin, "the admin revoke dialog");
        await revoke.ClickAsync();

        await Assertions.Expect(admin.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows).ToContainTextAsync("Revoked");
        await Assertions.Expect(rows).ToContainTextAsync($"Admin: {Reason}");

        // The leaked key fails on its next request; the owner's other key still works.
        using (var after = await api.GetAsync("/api/v1/me"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        }

        using (var other = new HttpClient { BaseAddress = browser.BaseAddress })
        {
            other.DefaultRequestHeaders.Add("X-Api-Key", sibling.Secret);
            using var response = await other.GetAsync("/api/v1/me");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The admin's log of every account has it.
        await admin.GotoAsync("/admin/audit-log");
        var adminLogRow = admin.Locator("table tbody tr")
            .Filter(new() { HasText = "key.revoked" }).Filter(new() { HasText = leaked.Key.DisplayKey });
        await Assertions.Expect(adminLogRow).ToHaveCountAsync(1);
        await Assertions.Expect(adminLogRow).ToContainTextAsync($"revoked by an administrator: {Reason}");
        await Assertions.Expect(adminLogRow).ToContainTextAsync(adminEmail);

        // The owner, signing in in a browser of their own, is told on the API Keys page.
        var ownerPage = await browser.NewPageAsync();
        await SignInAsync(ownerPage, owner.UserName!);
        await ownerPage.GotoAsync("/settings/api-keys");
        var banner = ownerPage.GetByTestId("admin-revocation-banner");
        await Assertions.Expect(banner).ToBeVisibleAsync();
        await Assertions.Expect(banner).ToContainTextAsync("An administrator revoked one of your keys.");
        await Assertions.Expect(banner).ToContainTextAsync($"leaky-agent ({leaked.Key.DisplayKey})");
        await Assertions.Expect(banner).ToContainTextAsync(Reason);

        // And in their own audit log.
        await ownerPage.GotoAsync("/settings/audit-log");
        await Assertions.Expect(ownerPage.GetByRole(AriaRole.Heading, new() { Name = "Audit log", Level = 1 })).ToBeVisibleAsync();
        var ownerLogRow = ownerPage.Locator("table tbody tr").Filter(new() { HasText = "key.revoked" });
        await Assertions.Expect(ownerLogRow).ToHaveCountAsync(1);
        await Assertions.Expect(ownerLogRow).ToContainTextAsync(leaked.Key.DisplayKey);
        await Assertions.Expect(ownerLogRow).ToContainTextAsync($"revoked by an administrator: {Reason}");
    }

    // The search box is an interactive (SignalR) input, so a pasted key travels to the server as a
    // hub invocation, and SignalR's DefaultHubDispatcher logs every invocation's arguments at
    // Debug: the key must not land in the log of anyone who turns SignalR logging up to Debug, as
    // Microsoft's Blazor troubleshooting guide suggests. The test host's FakeLogCollector keeps
    // every level.
    [Fact]
    public async Task A_key_pasted_into_Search_is_never_written_to_any_log()
    {
        var owner = await browser.App.NewOwnerAsync("leaky");
        var leaked = await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead], name: "pasted-agent");
        var admin = await browser.NewPageAsync();
        await SignInAsync(admin, await NewAdminAsync());
        await admin.GotoAsync("/admin/api-keys");
        await Assertions.Expect(admin.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Revoke all keys of ") }).First).ToBeEnabledAsync();

        await admin.GetByLabel("Search").FillAsync(leaked.Secret);

        await Assertions.Expect(admin.Locator("table tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(admin.Locator("table tbody tr")).ToContainTextAsync(leaked.Key.DisplayKey);
        var leaks = browser.App.Logs.Lines()
            .Where(line => line.Contains(leaked.Secret, StringComparison.Ordinal))
            .Select(line => line.Replace(leaked.Secret, "<the pasted key>", StringComparison.Ordinal))
            .Select(line => line.Length > 240 ? line[..240] : line)
            .ToList();
        Assert.True(leaks.Count == 0, $"The pasted key was logged {leaks.Count} time(s):\n{string.Join("\n", leaks)}");
    }

    // At the default 1280×720 viewport the log's table may be wider than its container, so the
    // container scrolls sideways: a keyboard user must still be able to scroll it (axe:
    // scrollable-region-focusable, serious).
    [Fact]
    public async Task The_owners_audit_log_has_no_serious_accessibility_violations()
    {
        var owner = await browser.App.NewOwnerAsync("audited");
        var key = await browser.App.NewKeyAsync(owner, [Permissions.MemoryRead], name: "audited-agent");
        await browser.App.Services.GetRequiredService<ApiKeyStore>().RevokeAsync(owner, key.Key.Id, "integration retired");
        var page = await browser.NewPageAsync();
        await SignInAsync(page, owner.UserName!);

        await page.GotoAsync("/settings/audit-log");
        await Assertions.Expect(page.Locator("table tbody tr").Filter(new() { HasText = "key.revoked" })).ToContainTextAsync("integration retired");

        await Accessibility.AssertNoSeriousViolationsAsync(page, "the owner's audit log");
    }

    private async Task<string> NewAdminAsync() => (await browser.App.NewAdminAsync()).UserName!;

    private static async Task SignInAsync(IPage page, string email)
    {
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(TestAccounts.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-account")).ToHaveTextAsync(email);
    }
}
