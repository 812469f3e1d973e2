using Bunit;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.LeakReports;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Memsolus.Dashboard.Tests.LeakReports;

// What the owner sees on their API Keys page after one of their keys was reported leaked: a banner
// naming the key, where it was found and what was done, until they dismiss it; and their choice of
// what a leak does, "When a key of mine is found leaked", saved through the store for their own
// account only.
public sealed class LeakNoticeTests : BunitTestContext
{
    public LeakNoticeTests() => SignIn(Owner);

    private LeakResponder Responder => new(Database.Contexts, Clock, Options.Create(new LeakReportsOptions()), NullLogger<LeakResponder>.Instance);

    private LeakStore Leaks => new(Database.Contexts, Clock);

    [Fact]
    public async Task A_banner_names_the_leaked_key_where_it_was_found_and_what_was_done()
    {
        var leaked = await CreateKeyAsync("production-agent");
        await CreateKeyAsync("crm-integration");
        await Responder.ActAsync(leaked.Secret, LeakSource.GitHub, "https://github.com/octo/agent/blob/main/.env", "GitHub (content)");

        var page = RenderPage();

        var banner = Text(page.Find("[data-testid=leak-banner]"));
        Assert.Contains("One of your keys was found leaked.", banner, StringComparison.Ordinal);
        Assert.Contains($"production-agent ({leaked.Key.DisplayKey}), found at https://github.com/octo/agent/blob/main/.env by GitHub secret scanning on 2026-03-10 09:30 UTC: it is revoked.", banner, StringComparison.Ordinal);
        Assert.DoesNotContain("crm-integration", banner, StringComparison.Ordinal);
        Assert.DoesNotContain(leaked.Secret, page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_banner_says_a_key_left_working_still_works()
    {
        await Leaks.SetActionAsync(Owner, LeakAction.NotifyOnly);
        var leaked = await CreateKeyAsync("production-agent");
        await Responder.ActAsync(leaked.Secret, LeakSource.Report, url: null, where: null);

        var banner = Text(RenderPage().Find("[data-testid=leak-banner]"));

        Assert.Contains("found by someone who reported it", banner, StringComparison.Ordinal);
        Assert.Contains("it still works.", banner, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dismissing_the_banner_hides_it_until_the_next_leak()
    {
        var leaked = await CreateKeyAsync("production-agent");
        await Responder.ActAsync(leaked.Secret, LeakSource.Report, "https://pastebin.example/1", where: null);
        var page = RenderPage();
        Assert.Single(RenderPage().FindAll("[data-testid=leak-banner]"));

        page.Find("[data-testid=leak-banner] button").Click();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=leak-banner]")));
        Assert.Empty(RenderPage().FindAll("[data-testid=leak-banner]"));

        await Responder.ActAsync(leaked.Secret, LeakSource.Report, "https://pastebin.example/2", where: null);
        Assert.Contains("https://pastebin.example/2", Text(RenderPage().Find("[data-testid=leak-banner]")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_owners_leak_raises_no_banner_here()
    {
        var theirs = await CreateKeyAsync("production-agent", owner: OtherOwner);
        await Responder.ActAsync(theirs.Secret, LeakSource.Report, url: null, where: null);

        Assert.Empty(RenderPage().FindAll("[data-testid=leak-banner]"));
    }

    [Fact]
    public async Task The_setting_starts_at_revoke_and_saves_the_owners_choice()
    {
        var page = RenderPage();
        var settings = page.Find("[data-testid=leak-settings]");
        Assert.Contains("When a key of mine is found leaked", Text(settings), StringComparison.Ordinal);
        Assert.Equal(["Revoke", "Quarantine", "Notify only"], page.FindAll("[data-testid=leak-settings] label.mud-radio").Select(Text));
        Assert.True(IsChecked(Radio(page, "Revoke")));

        Radio(page, "Quarantine").Click();

        page.WaitForAssertion(() => Assert.True(IsChecked(Radio(page, "Quarantine"))));
        Assert.Equal(LeakAction.Quarantine, await Leaks.GetActionAsync(Owner));
        Assert.Equal(LeakAction.Revoke, await Leaks.GetActionAsync(OtherOwner));
        Assert.True(IsChecked(Radio(RenderPage(), "Quarantine")));
    }

    [Fact]
    public async Task A_forged_choice_outside_the_three_is_refused_by_the_store()
    {
        Assert.False(await Leaks.SetActionAsync(Owner, (LeakAction)42));
        Assert.Equal(LeakAction.Revoke, await Leaks.GetActionAsync(Owner));
    }

    private IRenderedComponent<ApiKeysPage> RenderPage()
    {
        var page = Context.Render<ApiKeysPage>();
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[aria-label='Loading API keys']")));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=leak-settings] label.mud-radio")));
        return page;
    }
}
