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

    [Fact]
    public async Task Ready_fails_when_the_database_is_gone_while_live_stays_up()
    {
        var path = TestDatabase.NewSqlitePath();
        await using var broken = new MemsolusAppFactory(new() { Database = path });
        var client = broken.CreateClient(new() { AllowAutoRedirect = false });
        using (var before = await client.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        // Replace the database with a file that is not SQLite at all.
        TestDatabase.DeleteSqliteFile(path);
        await File.WriteAllTextAsync(path, "this is not a database");
        try
        {
            using var ready = await client.GetAsync("/health/ready");
            using var live = await client.GetAsync("/health/live");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        finally
        {
            TestDatabase.DeleteSqliteFile(path);
        }
    }

    public sealed class OnSqlite(MemsolusAppFactory app) : HealthEndpointTests(app), IClassFixture<MemsolusAppFactory>;

    public sealed class OnPostgres(AppFixture<Hosts.Postgres> fixture) : HealthEndpointTests(fixture.App), IClassFixture<AppFixture<Hosts.Postgres>>;
}
