using System.Net;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Verification;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Hosting;

// Requests note "last used" and usage counts in memory; the workers write them every interval
// and once more when the host stops (their final round), so a deploy or restart loses none. The
// clock is fake and never moved, so no interval passes: only the stop can have written them. The
// database outlives the host and is read after it has stopped.
public abstract class ShutdownFlushTests(DatabaseProvider provider)
{
    [Fact]
    public async Task Stopping_the_host_writes_last_used_and_usage_counts_noted_since_the_last_flush()
    {
        var database = provider == DatabaseProvider.Postgres ? await PostgresTestServer.CreateDatabaseAsync() : TestDatabase.NewSqlitePath();
        try
        {
            var app = new MemsolusAppFactory(new TestHostOptions { Provider = provider, Database = database, FakeClock = true });
            Guid keyId;
            DateTimeOffset usedAt;
            try
            {
                var session = await app.NewSessionAsync([Permissions.MemoryRead]);
                for (var i = 0; i < 3; i++)
                {
                    using var response = await session.Client.GetAsync("/api/v1/memories");
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                }

                keyId = session.Key.Key.Id;
                usedAt = app.Clock.GetUtcNow();
                Assert.Equal(1, app.Services.GetRequiredService<LastUsedRecorder>().PendingCount);
                Assert.NotEqual(0, app.Services.GetRequiredService<RequestCountRecorder>().PendingCount);
                await using var before = await ContextAsync(database);
                Assert.Null((await before.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == keyId)).LastUsedAt);
                Assert.False(await before.UsageCounters.AnyAsync(c => c.KeyId == keyId));
            }
            finally
            {
                await app.DisposeAsync();
            }

            await using var db = await ContextAsync(database);
            Assert.Equal(usedAt, (await db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == keyId)).LastUsedAt);
            var counters = await db.UsageCounters.AsNoTracking().Where(c => c.KeyId == keyId).ToListAsync();
            Assert.Equal(3L, counters.Sum(c => c.Count));
            Assert.All(counters, c => Assert.Equal(UsageOutcomes.Success, c.Outcome));
        }
        finally
        {
            if (provider == DatabaseProvider.Postgres)
            {
                await PostgresTestServer.DropDatabaseAsync(database);
            }
            else
            {
                TestDatabase.DeleteSqliteFile(database);
            }
        }
    }

    private Task<ApplicationDbContext> ContextAsync(string database) => Task.FromResult(new ApplicationDbContext(
        TestDatabase.OptionsFor(provider, provider == DatabaseProvider.Postgres ? database : $"Data Source={database}")));

    public sealed class OnSqlite() : ShutdownFlushTests(DatabaseProvider.Sqlite);

    public sealed class OnPostgres() : ShutdownFlushTests(DatabaseProvider.Postgres);
}
