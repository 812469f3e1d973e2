using System.Net;
using System.Text;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Usage;
using Microsoft.Extensions.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Api;

// "Every error from the API is problem+json": not only the 400s, 401s, 403s and 404s the
// endpoints write themselves, but also what routing, body binding and the exception handler answer.
public sealed class ApiErrorResponseTests(MemsolusAppFactory app) : IClassFixture<MemsolusAppFactory>
{
    // Outside Development there is no developer exception page.
    private static readonly TestHostOptions Production = new() { Environment = Environments.Production };

    [Theory]
    [InlineData("/api/v1/no-such-thing")]
    [InlineData("/api/v1/memories/not-a-guid")]
    [InlineData("/api/v1/knowledge/12345")]
    public async Task Path_that_names_no_api_endpoint_is_404_problem(string path)
    {
        var session = await app.NewSessionAsync();

        using var response = await session.Client.GetAsync(path);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Method_an_endpoint_does_not_take_is_405_problem()
    {
        var session = await app.NewSessionAsync();
        var memory = await session.CreateMemoryAsync("original");
        var path = $"/api/v1/memories/{memory.GetProperty("id").GetGuid()}";

        using var response = await session.Client.PutAsync(path, new StringContent("""{"content":"replaced"}""", Encoding.UTF8, "application/json"));

        await ApiAssert.ProblemAsync(response, HttpStatusCode.MethodNotAllowed);
        Assert.Equal("original", (await session.GetJsonAsync(path)).GetProperty("content").GetString());
    }

    [Fact]
    public async Task Body_that_is_not_json_is_415_problem_and_nothing_is_written()
    {
        var session = await app.NewSessionAsync();

        using var response = await session.Client.PostAsync("/api/v1/memories", new StringContent("remember this", Encoding.UTF8, "text/plain"));

        await ApiAssert.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Empty(await session.ListAsync("/api/v1/memories"));
    }

    // Outside Development (no developer exception page) an unexpected failure under /api/v1 must
    // still reach the client as problem+json, not as the dashboard's HTML error page. Dropping the
    // Memories table makes the memory endpoints fail while key checks still work.
    [Fact]
    public async Task Unexpected_failure_inside_an_endpoint_in_production_is_500_problem_json()
    {
        await using var production = new MemsolusAppFactory(Production);
        var session = await production.NewSessionAsync();
        await using (var db = await production.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlRawAsync("DROP TABLE Memories");
        }

        var (response, escaped) = await SendAsync(session.Client, "/api/v1/memories");

        Assert.True(escaped is null, $"The failure escaped every error handler: {escaped}");
        using (response)
        {
            var problem = await ApiAssert.ProblemAsync(response!, HttpStatusCode.InternalServerError);
            Assert.DoesNotContain(session.Key.Secret, problem.GetRawText(), StringComparison.Ordinal);
        }
    }

    // The failure is counted for the key that met it (Usage/), as a server error of its endpoint group.
    [Fact]
    public async Task Unexpected_failure_inside_an_endpoint_is_counted_as_a_server_error_for_the_key()
    {
        await using var production = new MemsolusAppFactory(Production);
        var session = await production.NewSessionAsync();
        await using (var db = await production.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlRawAsync("DROP TABLE KnowledgeEntries");
        }

        using var response = await session.Client.GetAsync("/api/v1/knowledge");

        await ApiAssert.ProblemAsync(response, HttpStatusCode.InternalServerError);
        var counted = Assert.Single(production.Services.GetRequiredService<RequestCountRecorder>().Pending(), c => c.KeyId == session.Key.Key.Id);
        Assert.Equal(("knowledge", UsageOutcomes.ServerError, 1L), (counted.Group, counted.Outcome, counted.Count));
    }

    // The same when the failure happens while the key is checked: the keys table is renamed away,
    // so the lookup by hash throws. (Replacing the database file was flaky: a background worker's
    // connection to the old file could recreate its -wal beside the new one and answer the lookup.)
    // On Kestrel an exception that escapes every handler becomes a bare 500 without a body; the test
    // server hands it to the caller.
    [Fact]
    public async Task Failure_while_checking_a_key_in_production_is_500_problem_json()
    {
        await using var production = new MemsolusAppFactory(Production);
        var session = await production.NewSessionAsync();
        await using (var db = await production.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE ApiKeys RENAME TO ApiKeysElsewhere");
        }

        var (response, escaped) = await SendAsync(session.Client, "/api/v1/me");

        Assert.True(escaped is null, $"The failure escaped every error handler (a bare 500 on Kestrel): {escaped?.GetType().Name}: {escaped?.Message}");
        using (response)
        {
            var problem = await ApiAssert.ProblemAsync(response!, HttpStatusCode.InternalServerError);
            Assert.DoesNotContain(session.Key.Secret, problem.GetRawText(), StringComparison.Ordinal);
        }
    }

    private static async Task<(HttpResponseMessage? Response, Exception? Escaped)> SendAsync(HttpClient client, string path)
    {
        try
        {
            return (await client.GetAsync(path), null);
        }
        catch (Exception escaped) when (escaped is not OperationCanceledException)
        {
            return (null, escaped);
        }
    }
}
