using Bunit;
using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Tests.Admin;

// What the owner sees on their own API Keys page after an administrator revoked one of their keys:
// a banner naming the keys and the reason until they dismiss it, and the row itself for good.
public sealed class AdminRevocationNoticeTests : BunitTestContext
{
    public AdminRevocationNoticeTests() => SignIn(Owner);

    [Fact]
    public async Task A_banner_names_each_key_an_administrator_revoked_with_the_reason_and_time()
    {
        var leaked = await CreateKeyAsync("production-agent");
        await CreateKeyAsync("crm-integration");
        Clock.Advance(TimeSpan.FromHours(2));
        await RevokeAsAdminAsync(leaked, "found in a public repository");

        var page = RenderPage();

        var banner = Text(page.Find("[data-testid=admin-revocation-banner]"));
        Assert.Contains("An administrator revoked one of your keys.", banner, StringComparison.Ordinal);
        Assert.Contains($"production-agent ({leaked.Key.DisplayKey}), on 2026-03-10 11:30 UTC: found in a public repository", banner, StringComparison.Ordinal);
        Assert.DoesNotContain("crm-integration", banner, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_banner_counts_and_lists_several_revoked_keys()
    {
        var first = await CreateKeyAsync("production-agent");
        var second = await CreateKeyAsync("staging-agent", environment: ApiKeyEnvironment.Test);
        await RevokeAsAdminAsync(first, "found in a public repository");
        await RevokeAsAdminAsync(second, "found in a pastebin");

        var page = RenderPage();

        var banner = page.Find("[data-testid=admin-revocation-banner]");
        Assert.Contains("An administrator revoked 2 of your keys.", Text(banner), StringComparison.Ordinal);
        var items = banner.QuerySelectorAll("li").Select(Text).ToList();
        Assert.Equal(2, items.Count);
        Assert.Contains(items, i => i.StartsWith("production-agent", StringComparison.Ordinal) && i.EndsWith("found in a public repository", StringComparison.Ordinal));
        Assert.Contains(items, i => i.StartsWith("staging-agent", StringComparison.Ordinal) && i.EndsWith("found in a pastebin", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dismissing_the_banner_hides_it_now_and_on_the_next_visit()
    {
        var leaked = await CreateKeyAsync("production-agent");
        await RevokeAsAdminAsync(leaked, "found in a public repository");
        var page = RenderPage();

        page.Find("[data-testid=admin-revocation-banner] button").Click();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=admin-revocation-banner]")));
        Assert.Empty(await Keys.UnseenAdminRevocationsAsync(Owner));
        var nextVisit = RenderPage();
        Assert.Empty(nextVisit.FindAll("[data-testid=admin-revocation-banner]"));
    }

    [Fact]
    public async Task The_banner_is_shown_again_on_the_next_visit_until_it_is_dismissed()
    {
        var leaked = await CreateKeyAsync("production-agent");
        await RevokeAsAdminAsync(leaked, "found in a public repository");

        RenderPage();
        var nextVisit = RenderPage();

        Assert.Single(nextVisit.FindAll("[data-testid=admin-revocation-banner]"));
    }

    [Fact]
    public async Task Keys_the_owner_revoked_themselves_raise_no_banner()
    {
        var retired = await CreateKeyAsync("production-agent");
        await Keys.RevokeAsync(Owner, retired.Key.Id, "integration retired");

        var page = RenderPage();

        Assert.Empty(page.FindAll("[data-testid=admin-revocation-banner]"));
    }

    [Fact]
    public async Task Another_accounts_admin_revocations_raise_no_banner_here()
    {
        var theirs = await CreateKeyAsync("production-agent", owner: OtherOwner);
        await RevokeAsAdminAsync(theirs, "found in a public repository");

        var page = RenderPage();

        Assert.Empty(page.FindAll("[data-testid=admin-revocation-banner]"));
    }

    [Fact]
    public async Task The_revoked_row_says_an_administrator_revoked_it_when_and_why()
    {
        var leaked = await CreateKeyAsync("production-agent");
        Clock.Advance(TimeSpan.FromDays(3));
        await RevokeAsAdminAsync(leaked, "found in a public repository");
        var page = RenderPage();

        Switch(page, "Show revoked").Change(true);

        var row = page.FindAll("tbody tr").Single(tr => tr.TextContent.Contains(leaked.Key.DisplayKey, StringComparison.Ordinal));
        Assert.Equal("Revoked", Text(row.QuerySelector("[data-testid=key-status]")!));
        var status = Text(row.QuerySelector("td[data-label='Status']")!);
        Assert.Contains("on Mar 13, 2026 by an administrator", status, StringComparison.Ordinal);
        Assert.Contains("Reason: found in a public repository", status, StringComparison.Ordinal);
    }

    private IRenderedComponent<ApiKeysPage> RenderPage()
    {
        var page = Context.Render<ApiKeysPage>();
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[aria-label='Loading API keys']")));
        return page;
    }
}
