using AngleSharp.Dom;
using Bunit;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Components.Pages;
using Memsolus.Dashboard.Usage;

namespace Memsolus.Dashboard.Tests.Components.Pages;

// The home page over the real key and usage services: a welcome until the owner has a key, then
// requests per day, active keys per environment and the key-hygiene alerts. The fake clock starts
// at 2026-03-10 09:30 UTC (TestClock.Start); requests are recorded as the API's counting does and flushed.
public sealed class HomeTests : BunitTestContext
{
    public HomeTests() => SignIn(Owner);

    private RequestCountRecorder Recorder => Database.RequestCounts;

    [Fact]
    public void Without_keys_the_page_welcomes_the_account_and_says_to_create_an_api_key_first()
    {
        var home = RenderHome();

        Assert.Equal($"Welcome to Memsolus, {OwnerEmail}", Text(home.Find("h1")));
        var steps = home.FindAll("h2").Select(Text).ToList();
        Assert.Equal(["Create an API key", "Store it safely", "Call the API"], steps);
        Assert.Contains(home.FindAll("a"), a => a.GetAttribute("href") == "settings/api-keys");
        Assert.Contains("curl -H \"X-Api-Key: $MEMSOLUS_API_KEY\"", home.FindAll("pre").Last().TextContent);
        Assert.Contains("http://localhost/api/v1/me", home.Markup);
    }

    [Fact]
    public async Task With_keys_the_dashboard_counts_active_keys_per_environment()
    {
        await CreateKeyAsync("production-agent");
        await CreateKeyAsync("crm-integration");
        var retired = await CreateKeyAsync("retired");
        Assert.True((await Keys.RevokeAsync(Owner, retired.Key.Id, null)).Succeeded);
        await CreateKeyAsync("staging-agent", environment: ApiKeyEnvironment.Test);
        await CreateKeyAsync("someone-elses", owner: OtherOwner);

        var home = RenderHome();

        Assert.Equal("Dashboard", Text(home.Find("h1")));
        Assert.Equal(["Active keys", "Alerts", "Requests per day"], home.FindAll("h2").Select(Text));
        Assert.Equal("2", Text(home.Find("[data-testid=active-keys-live]")));
        Assert.Equal("1", Text(home.Find("[data-testid=active-keys-test]")));
        Assert.Equal(["Live 2 active keys", "Test 1 active key"], home.FindAll("[data-testid=active-keys]").Select(Text));
    }

    [Fact]
    public async Task Requests_per_day_are_charted_by_key_and_by_outcome()
    {
        var agent = await CreateKeyAsync("production-agent");
        var crm = await CreateKeyAsync("crm-integration");
        var theirs = await CreateKeyAsync("their-agent", owner: OtherOwner);
        Record(agent, 5, UsageOutcomes.Success);
        Record(agent, 1, UsageOutcomes.Forbidden);
        Record(crm, 2, UsageOutcomes.Success, at: Clock.GetUtcNow().AddDays(-3));
        Record(theirs, 9, UsageOutcomes.Success, owner: OtherOwner.UserId);
        await Recorder.FlushAsync();

        var home = RenderHome();

        Assert.Equal("8 requests from Feb 9, 2026 to Mar 10, 2026", Text(home.Find("[data-testid=requests-total]")));
        Assert.NotNull(home.Find(".mud-chart"));
        Assert.Equal([("production-agent", "6"), ("crm-integration", "2")], UsageRows(home));

        home.FindAll("button").Single(b => Text(b) == "By outcome").Click();

        Assert.Equal([("Succeeded (2xx)", "7"), ("403 Forbidden", "1")], UsageRows(home));
    }

    [Fact]
    public async Task Without_requests_the_dashboard_says_how_to_make_one()
    {
        await CreateKeyAsync("production-agent");

        var home = RenderHome();

        Assert.Contains("No API requests in the last 30 days.", Text(home.Find("[data-testid=no-requests]")));
        Assert.Empty(home.FindAll(".mud-chart"));
    }

    [Fact]
    public async Task Without_alerts_the_dashboard_says_the_keys_follow_the_best_practices()
    {
        await CreateKeyAsync("production-agent");

        var home = RenderHome();

        Assert.StartsWith("No alerts.", Text(home.Find("[data-testid=no-alerts]")), StringComparison.Ordinal);
        Assert.Empty(home.FindAll("[data-testid=key-alert]"));
    }

    [Fact]
    public async Task Each_alert_leads_to_its_action_for_that_key_on_the_api_keys_page()
    {
        var admin = await CreateKeyAsync("admin-script", Permissions.All.Select(p => p.Name).ToList());
        var idle = await CreateKeyAsync("idle-script", environment: ApiKeyEnvironment.Test);
        var leaked = await CreateKeyAsync("leaked-agent");
        Assert.True((await Keys.RevokeAsync(Owner, leaked.Key.Id, "leaked")).Succeeded);
        Clock.Advance(TimeSpan.FromDays(8));
        await MarkUsedAsync(admin.Key.Id);
        Record(leaked, 30, UsageOutcomes.Unauthorized);
        await Recorder.FlushAsync();

        var home = RenderHome();

        var alerts = home.FindAll("[data-testid=key-alert]").Select(a => new
        {
            Message = Text(a.QuerySelector("[data-testid=alert-message]")!),
            Link = a.QuerySelector("a")!,
        }).ToList();
        Assert.Equal(3, alerts.Count);
        Assert.StartsWith("Refused 30 times in the last hour", alerts[0].Message, StringComparison.Ordinal);
        Assert.Equal(("History of leaked-agent", $"settings/audit-log?key={leaked.Key.Id}"), Link(alerts[0].Link));
        Assert.StartsWith("Has all 14 permissions.", alerts[1].Message, StringComparison.Ordinal);
        Assert.Equal(("Edit admin-script", $"settings/api-keys?action=edit&key={admin.Key.Id}"), Link(alerts[1].Link));
        Assert.StartsWith("Never used since it was created on Mar 10, 2026.", alerts[2].Message, StringComparison.Ordinal);
        Assert.Equal(("Revoke idle-script", $"settings/api-keys?action=revoke&key={idle.Key.Id}"), Link(alerts[2].Link));
    }

    private IRenderedComponent<Home> RenderHome()
    {
        var home = Context.Render<Home>();
        home.WaitForAssertion(() => Assert.Empty(home.FindAll("[aria-label='Loading the dashboard']")));
        return home;
    }

    private void Record(CreatedApiKey key, int count, string outcome, DateTimeOffset? at = null, string? owner = null)
    {
        for (var i = 0; i < count; i++)
        {
            Recorder.Record(key.Key.Id, owner ?? Owner.UserId, at ?? Clock.GetUtcNow(), "memories", outcome);
        }
    }

    private async Task MarkUsedAsync(Guid keyId)
    {
        await using var db = Database.CreateContext();
        var key = await db.ApiKeys.FindAsync(keyId);
        key!.LastUsedAt = Clock.GetUtcNow();
        await db.SaveChangesAsync();
    }

    private static List<(string, string)> UsageRows(IRenderedComponent<Home> home) =>
        home.FindAll("[data-testid=usage-row]")
            .Select(row => row.QuerySelectorAll("td").Select(Text).ToList())
            .Select(cells => (cells[0], cells[1]))
            .ToList();

    private static (string?, string?) Link(IElement link) => (link.GetAttribute("aria-label"), link.GetAttribute("href"));
}
