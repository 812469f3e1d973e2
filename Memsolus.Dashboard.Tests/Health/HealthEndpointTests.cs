using System.Net;
using Memsolus.Dashboard.Tests.Infrastructure;

namespace Memsolus.Dashboard.Tests.Health;

public abstract class HealthEndpointTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : MemsolusAppFactory
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
        var path = MemsolusAppFactory.NewDatabasePath();
        await using var broken = new MemsolusAppFactory(path);
        var client = broken.CreateClient(new() { AllowAutoRedirect = false });
        using (var before = await client.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        // Replace the database with a file that is not SQLite at all.
        MemsolusAppFactory.DeleteDatabase(path);
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
            MemsolusAppFactory.DeleteDatabase(path);
        }
    }
}

public sealed class SqliteHealthEndpointTests(MemsolusAppFactory app) : HealthEndpointTests<MemsolusAppFactory>(app);

public sealed class PostgresHealthEndpointTests(PostgresAppFactory app) : HealthEndpointTests<PostgresAppFactory>(app);
