using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Usage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Usage;

// Counting without a database write per request: counts gather in memory per (key, UTC hour,
// endpoint group, outcome) and a flush adds them to the stored counters in one batch.
public abstract class RequestCountRecorderTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestDatabase db = default!;

    public async Task InitializeAsync() => db = await TestDatabase.CreateAsync(provider);

    public async Task DisposeAsync() => await db.DisposeAsync();

    [Fact]
    public async Task Requests_are_counted_in_memory_and_reach_the_database_only_when_flushed()
    {
        var owner = await db.AddOwnerAsync();
        var key = await db.AddKeyAsync(owner, "production-agent");

        db.Requests(key, owner, 3, UsageOutcomes.Success);
        db.Requests(key, owner, 1, UsageOutcomes.Forbidden, group: "knowledge");

        Assert.Empty(await db.CountersAsync());
        Assert.Equal(2, db.RequestCounts.PendingCount);

        Assert.Equal(2, await db.RequestCounts.FlushAsync());

        Assert.Equal(0, db.RequestCounts.PendingCount);
        var hour = new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero);
        Assert.Equal(
            [(key.Id, owner.UserId, hour, "memories", "2xx", 3L), (key.Id, owner.UserId, hour, "knowledge", "403", 1L)],
            (await db.CountersAsync()).Select(c => (c.KeyId, c.OwnerId, c.HourStart, c.Group, c.Outcome, c.Count)).OrderByDescending(c => c.Count));
    }

    [Fact]
    public async Task A_later_flush_adds_to_the_same_hours_counter_and_a_new_hour_gets_its_own()
    {
        var owner = await db.AddOwnerAsync();
        var key = await db.AddKeyAsync(owner, "production-agent");
        db.Requests(key, owner, 2, UsageOutcomes.Success);
        await db.RequestCounts.FlushAsync();

        db.Requests(key, owner, 5, UsageOutcomes.Success);
        await db.RequestCounts.FlushAsync();
        db.Clock.Advance(TimeSpan.FromMinutes(30));
        db.Requests(key, owner, 1, UsageOutcomes.Success);
        await db.RequestCounts.FlushAsync();

        Assert.Equal(
            [(9, 7L), (10, 1L)],
            (await db.CountersAsync()).Select(c => (c.HourStart.Hour, c.Count)).OrderBy(c => c.Hour));
    }

    [Fact]
    public async Task Nothing_to_flush_writes_nothing()
    {
        Assert.Equal(0, await db.RequestCounts.FlushAsync());

        Assert.Empty(await db.CountersAsync());
    }

    [Fact]
    public async Task Counts_made_while_flushes_run_are_neither_lost_nor_counted_twice()
    {
        var owner = await db.AddOwnerAsync();
        var key = await db.AddKeyAsync(owner, "busy-agent");
        const int Writers = 4;
        const int PerWriter = 5_000;

        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < PerWriter; i++)
            {
                db.RequestCounts.Record(key.Id, owner.UserId, db.Clock.GetUtcNow(), "memories", i % 2 == 0 ? UsageOutcomes.Success : UsageOutcomes.Forbidden);
            }
        })).ToArray();
        var writing = Task.WhenAll(writers);
        do
        {
            await db.RequestCounts.FlushAsync();
        }
        while (!writing.IsCompleted);

        await writing;
        await db.RequestCounts.FlushAsync();

        var counters = await db.CountersAsync();
        Assert.Equal(Writers * PerWriter / 2, counters.Single(c => c.Outcome == UsageOutcomes.Success).Count);
        Assert.Equal(Writers * PerWriter / 2, counters.Single(c => c.Outcome == UsageOutcomes.Forbidden).Count);
    }

    [Fact]
    public async Task A_failed_flush_keeps_the_counts_for_the_next_one()
    {
        var owner = await db.AddOwnerAsync();
        var key = await db.AddKeyAsync(owner, "production-agent");
        db.Requests(key, owner, 4, UsageOutcomes.Success);

        db.Contexts.Unavailable = true;
        Assert.Equal(0, await db.RequestCounts.FlushAsync());
        db.Requests(key, owner, 1, UsageOutcomes.Success);
        db.Contexts.Unavailable = false;

        Assert.Equal(1, await db.RequestCounts.FlushAsync());
        Assert.Equal(5, (await db.CountersAsync()).Single().Count);
    }

    [Fact]
    public async Task Counts_for_a_key_that_no_longer_exists_are_dropped_and_the_rest_are_written()
    {
        var owner = await db.AddOwnerAsync();
        var key = await db.AddKeyAsync(owner, "production-agent");
        db.Requests(key, owner, 2, UsageOutcomes.Success);
        db.RequestCounts.Record(Guid.NewGuid(), owner.UserId, db.Clock.GetUtcNow(), "memories", UsageOutcomes.Success);

        Assert.Equal(1, await db.RequestCounts.FlushAsync());

        Assert.Equal(key.Id, (await db.CountersAsync()).Single().KeyId);
        Assert.Equal(0, db.RequestCounts.PendingCount);
    }

    [Fact]
    public async Task Counters_older_than_the_90_day_retention_are_deleted()
    {
        var owner = await db.AddOwnerAsync();
        var key = await db.AddKeyAsync(owner, "production-agent");
        var now = db.Clock.GetUtcNow();
        db.Requests(key, owner, 1, UsageOutcomes.Success, at: now.AddDays(-90).AddHours(-1));
        db.Requests(key, owner, 2, UsageOutcomes.Success, at: now.AddDays(-90).AddHours(1));
        db.Requests(key, owner, 3, UsageOutcomes.Success);
        await db.RequestCounts.FlushAsync();

        Assert.Equal(1, await db.RequestCounts.DeleteExpiredAsync());

        Assert.Equal([2L, 3L], (await db.CountersAsync()).Select(c => c.Count).Order());
    }

    [Theory]
    [InlineData(200, "2xx")]
    [InlineData(201, "2xx")]
    [InlineData(204, "2xx")]
    [InlineData(400, "4xx")]
    [InlineData(401, "401")]
    [InlineData(403, "403")]
    [InlineData(404, "4xx")]
    [InlineData(413, "4xx")]
    [InlineData(429, "429")]
    [InlineData(500, "5xx")]
    [InlineData(503, "5xx")]
    public void A_status_code_counts_as_its_outcome(int status, string outcome) =>
        Assert.Equal(outcome, UsageOutcomes.Of(status));

    [Theory]
    [InlineData("/me", "me")]
    [InlineData("/memories", "memories")]
    [InlineData("/memories/0b5f2b54-2a40-4c1a-9e5b-0d1a0b8c7e11", "memories")]
    [InlineData("/Knowledge/search", "knowledge")]
    [InlineData("/exports/1/download", "exports")]
    [InlineData("/ingest/jobs", "ingest")]
    [InlineData("/webhooks/1/deliveries", "webhooks")]
    [InlineData("/dashboard/usage", "dashboard")]
    [InlineData("/made-up", "other")]
    [InlineData("", "other")]
    public void A_request_counts_in_the_group_of_its_first_path_segment(string path, string group) =>
        Assert.Equal(group, UsageGroups.Of(new PathString(path)));

    public sealed class OnSqlite() : RequestCountRecorderTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : RequestCountRecorderTests(DatabaseProvider.Postgres);
}
