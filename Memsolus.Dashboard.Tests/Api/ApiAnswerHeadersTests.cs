using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Exports;
using Memsolus.Dashboard.Ingestion;
using Memsolus.Dashboard.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Api;

// The headers the OpenAPI document declares (OpenApiResponseTests) are the ones the server sends:
// WWW-Authenticate on 401, Location on every 201 and 202 (and it reads what was made), Retry-After
// with the rate-limit headers on 429, and 415 for a body that is not JSON. Workers are stopped, so
// nothing queued leaves the process.
public abstract class ApiAnswerHeadersTests(MemsolusAppFactory app)
{
    private static readonly TestHostOptions Host = new() { StoppedWorkers = [typeof(IngestWorker), typeof(WebhookDeliveryWorker), typeof(ExportWorker)] };

    [Theory]
    [InlineData("/api/v1/me")]
    [InlineData("/api/v1/memories")]
    [InlineData("/api/v1/exports/00000000-0000-0000-0000-000000000001/download")]
    public async Task A_401_carries_WWW_Authenticate(string path)
    {
        using var response = await app.ApiClient(key: null).GetAsync(path);

        await ApiAssert.UnauthorizedAsync(response);
    }

    [Fact]
    public async Task Every_201_and_202_carries_a_Location_that_reads_what_was_made()
    {
        var session = await app.NewSessionAsync();
        var client = session.Client;

        await AssertLocationAsync(client, await client.PostAsJsonAsync("/api/v1/memories", new { content = "located" }), HttpStatusCode.Created);
        await AssertLocationAsync(client, await client.PostAsJsonAsync("/api/v1/knowledge", new { title = "located", content = "located" }), HttpStatusCode.Created);
        var webhook = await AssertLocationAsync(
            client,
            await client.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://hooks.example.com/memsolus", events = new[] { WebhookEventTypes.MemoryCreated } }),
            HttpStatusCode.Created);
        await AssertLocationAsync(client, await client.PostAsync($"/api/v1/webhooks/{webhook}/test", null), HttpStatusCode.Accepted, readsAnswer: false);
        await AssertLocationAsync(client, await client.PostAsJsonAsync("/api/v1/exports", new { format = "json" }), HttpStatusCode.Accepted);
        await AssertLocationAsync(client, await client.PostAsJsonAsync("/api/v1/ingest/urls", new { url = "https://docs.example.com/handbook" }), HttpStatusCode.Accepted);
        using var form = new MultipartFormDataContent { { new ByteArrayContent("# Located\nA file."u8.ToArray()), "files", "located.md" } };
        await AssertLocationAsync(client, await client.PostAsync("/api/v1/ingest/files", form), HttpStatusCode.Accepted);

        // The deliveries a test ping is queued in: the Location of a test (and of a redelivery).
        Assert.Single(await session.ListAsync($"/api/v1/webhooks/{webhook}/deliveries"));
    }

    [Fact]
    public async Task A_429_of_a_rate_limited_key_carries_Retry_After_and_the_rate_limit_headers()
    {
        var owner = await app.NewOwnerAsync();
        var created = await app.Services.GetRequiredService<ApiKeyStore>().CreateAsync(owner,
            new CreateApiKeyRequest($"limited-{Guid.NewGuid():N}", ApiKeyEnvironment.Live, [Permissions.MemoryRead], ApiKeyExpiration.Never) { RequestsPerMinute = 1 });
        var client = app.ApiClient(created.Value!.Secret);
        using (var first = await client.GetAsync("/api/v1/me"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.True(first.Headers.Contains("RateLimit-Policy"));
        }

        using var refused = await client.GetAsync("/api/v1/me");

        await ApiAssert.ProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.True(int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After")), CultureInfo.InvariantCulture) >= 1);
        Assert.True(refused.Headers.Contains("RateLimit-Policy"));
        Assert.True(refused.Headers.Contains("RateLimit"));
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415_problem()
    {
        var session = await app.NewSessionAsync();

        using var response = await session.Client.PostAsync("/api/v1/memories", new StringContent("content=plain", Encoding.UTF8, "text/plain"));

        await ApiAssert.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    // Returns the id of what was made; readsAnswer: the Location names the answer itself.
    private static async Task<Guid> AssertLocationAsync(HttpClient client, HttpResponseMessage response, HttpStatusCode status, bool readsAnswer = true)
    {
        using (response)
        {
            var made = await ApiAssert.StatusAsync(response, status);
            var location = response.Headers.Location ?? throw new Xunit.Sdk.XunitException($"{response.RequestMessage!.RequestUri} answered {status} without Location");
            Assert.StartsWith("/api/v1/", location.OriginalString, StringComparison.Ordinal);

            using var read = await client.GetAsync(location);
            var answer = await ApiAssert.JsonAsync(read);
            if (readsAnswer)
            {
                Assert.Equal(made.GetProperty("id").GetGuid(), answer.GetProperty("id").GetGuid());
            }

            return made.GetProperty("id").GetGuid();
        }
    }

    public sealed class OnSqlite(AppFixture<OnSqlite> fixture) : ApiAnswerHeadersTests(fixture.App), IClassFixture<AppFixture<OnSqlite>>, ITestHost
    {
        public static TestHostOptions Options => Host;
    }

    public sealed class OnPostgres(AppFixture<OnPostgres> fixture) : ApiAnswerHeadersTests(fixture.App), IClassFixture<AppFixture<OnPostgres>>, ITestHost
    {
        public static TestHostOptions Options => Host.OnPostgres();
    }
}
