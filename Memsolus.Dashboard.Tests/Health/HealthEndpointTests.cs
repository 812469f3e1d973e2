using System.Net;

namespace Memsolus.Dashboard.Tests.Health;

public abstract class HealthEndpointTests(MemsolusAppFactory app)
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_endpoints_answer_anonymous_callers_with_200(string path)
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    // On the twin's own provider: the SQLite file made unreachable, or PostgreSQL cut off behind a
    // relay (DatabaseOutageHost); and ready again once the database is back, without a restart.
    [Fact]
    public async Task Ready_fails_when_the_database_is_gone_while_live_stays_up()
    {
        await using var host = await DatabaseOutageHost.StartAsync(new TestHostOptions { Provider = app.Provider });
        var client = host.App.CreateClient(new() { AllowAutoRedirect = false });
        using (var before = await client.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        host.Cut();
        using (var ready = await client.GetAsync("/health/ready"))
        using (var live = await client.GetAsync("/health/live"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        host.Restore();
        using var after = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    public sealed class OnSqlite(MemsolusAppFactory app) : HealthEndpointTests(app), IClassFixture<MemsolusAppFactory>
    {
        // A database file replaced by one that is no database at all (SQLite opens it happily and fails
        // on the first read): the check is a real query.
        [Fact]
        public async Task Ready_fails_when_the_sqlite_file_is_no_database()
        {
            var path = TestDatabase.NewSqlitePath();
            await using var broken = new MemsolusAppFactory(new() { Database = path });
            var client = broken.CreateClient(new() { AllowAutoRedirect = false });
            using (var before = await client.GetAsync("/health/ready"))
            {
                Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            }

            TestDatabase.DeleteSqliteFile(path);
            await File.WriteAllTextAsync(path, "this is not a database");
            try
            {
                using var ready = await client.GetAsync("/health/ready");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            }
            finally
            {
                TestDatabase.DeleteSqliteFile(path);
            }
        }
    }

    public sealed class OnPostgres(AppFixture<Hosts.Postgres> fixture) : HealthEndpointTests(fixture.App), IClassFixture<AppFixture<Hosts.Postgres>>;
}
