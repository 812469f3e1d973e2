using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Usage;

namespace Memsolus.Dashboard.Tests.Usage;

// Requests per key per UTC day over the last 30 days (today included), from the flushed counters.
// The fake clock starts at 2026-03-10 09:30 UTC, so the period is Feb 9 to Mar 10.
public abstract class UsageStoreTests(DatabaseProvider provider) : IAsyncLifetime
{
    private static readonly DateOnly Today = new(2026, 3, 10);

    private TestDatabase db = default!;
    private AuditActor owner = default!;

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync(provider);
        owner = await db.AddOwnerAsync();
    }

    public async Task DisposeAsync() => await db.DisposeAsync();

    [Fact]
    public async Task Each_key_has_thirty_UTC_days_ending_today_with_a_count_per_outcome()
    {
        var key = await db.AddKeyAsync(owner, "production-agent");
        var midnight = new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero);
        db.Requests(key, owner, 3, UsageOutcomes.Success);
        db.Requests(key, owner, 2, UsageOutcomes.Success, group: "knowledge");
        db.Requests(key, owner, 1, UsageOutcomes.Forbidden);
        db.Requests(key, owner, 4, UsageOutcomes.Unauthorized, at: midnight.AddTicks(-1));
        db.Requests(key, owner, 6, UsageOutcomes.ServerError, at: midnight.AddDays(-29));
        db.Requests(key, owner, 7, UsageOutcomes.Success, at: midnight.AddDays(-29).AddTicks(-1));
        await db.RequestCounts.FlushAsync();

        var report = await db.Usage.GetAsync(owner.UserId, ApiKeyEnvironment.Live);

        Assert.Equal((new DateOnly(2026, 2, 9), Today), (report.From, report.To));
        var usage = Assert.Single(report.Keys);
        Assert.Equal((key.Id, "production-agent", key.DisplayKey, "live", 16L), (usage.KeyId, usage.Name, usage.DisplayKey, usage.Environment, usage.Total));
        Assert.Equal(30, usage.Days.Count);
        Assert.Equal(Enumerable.Range(0, 30).Select(d => report.From.AddDays(d)), usage.Days.Select(d => d.Date));

        var today = usage.Days[^1];
        Assert.Equal(6, today.Total);
        Assert.Equal(new Dictionary<string, long> { ["2xx"] = 5, ["401"] = 0, ["403"] = 1, ["429"] = 0, ["4xx"] = 0, ["5xx"] = 0 }, today.Outcomes);
        Assert.Equal(4, usage.Days[^2].Outcomes["401"]);
        Assert.Equal(6, usage.Days[0].Outcomes["5xx"]);
        Assert.Equal(16, usage.Days.Sum(d => d.Total));
    }

    [Fact]
    public async Task Working_keys_are_listed_even_without_requests_and_others_only_when_they_had_some()
    {
        var busy = await db.AddKeyAsync(owner, "busy");
        var quiet = await db.AddKeyAsync(owner, "quiet");
        var retiredButSent = await db.AddKeyAsync(owner, "retired-but-sent");
        var retired = await db.AddKeyAsync(owner, "retired");
        db.Requests(busy, owner, 5, UsageOutcomes.Success);
        db.Requests(retiredButSent, owner, 2, UsageOutcomes.Success);
        await db.RequestCounts.FlushAsync();
        Assert.True((await db.Keys.RevokeAsync(owner, retiredButSent.Id, null)).Succeeded);
        Assert.True((await db.Keys.RevokeAsync(owner, retired.Id, null)).Succeeded);

        var report = await db.Usage.GetAsync(owner.UserId, ApiKeyEnvironment.Live);

        Assert.Equal(
            [("busy", 5L), ("retired-but-sent", 2L), ("quiet", 0L)],
            report.Keys.Select(k => (k.Name, k.Total)));
        Assert.All(report.Keys.Single(k => k.KeyId == quiet.Id).Days, d => Assert.Equal(0, d.Total));
    }

    [Fact]
    public async Task Only_the_owners_keys_of_the_environment_asked_for_are_reported()
    {
        var live = await db.AddKeyAsync(owner, "live-agent");
        var test = await db.AddKeyAsync(owner, "test-agent", environment: ApiKeyEnvironment.Test);
        var someoneElse = await db.AddOwnerAsync("someone-else");
        var theirs = await db.AddKeyAsync(someoneElse, "their-agent");
        db.Requests(live, owner, 1, UsageOutcomes.Success);
        db.Requests(test, owner, 2, UsageOutcomes.Success);
        db.Requests(theirs, someoneElse, 3, UsageOutcomes.Success);
        await db.RequestCounts.FlushAsync();

        Assert.Equal([live.Id], (await db.Usage.GetAsync(owner.UserId, ApiKeyEnvironment.Live)).Keys.Select(k => k.KeyId));
        Assert.Equal([test.Id], (await db.Usage.GetAsync(owner.UserId, ApiKeyEnvironment.Test)).Keys.Select(k => k.KeyId));
        Assert.Equal([test.Id, live.Id], (await db.Usage.GetAsync(owner.UserId, environment: null)).Keys.Select(k => k.KeyId));
    }

    [Fact]
    public async Task Requests_not_yet_flushed_are_not_reported()
    {
        var key = await db.AddKeyAsync(owner, "production-agent");
        db.Requests(key, owner, 3, UsageOutcomes.Success);

        Assert.Equal(0, (await db.Usage.GetAsync(owner.UserId, ApiKeyEnvironment.Live)).Keys.Single().Total);

        await db.RequestCounts.FlushAsync();
        Assert.Equal(3, (await db.Usage.GetAsync(owner.UserId, ApiKeyEnvironment.Live)).Keys.Single().Total);
    }

    public sealed class OnSqlite() : UsageStoreTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : UsageStoreTests(DatabaseProvider.Postgres);
}
