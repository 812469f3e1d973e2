using System.Net;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Tests.Ingestion;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Memsolus.Dashboard.Tests.LeakReports;

// LeakReports:GitHub:KeysUrl: GitHub's public keys fetched in its own format from a server of the
// test's, cached, fetched again for an identifier we do not know at most once per
// KeysRefreshInterval (on the fake clock), and a list that cannot be fetched is a 401, never a 500.
public sealed class GitHubKeysUrlTests : IAsyncLifetime
{
    private readonly GitHubAlerts first = new("gh-first");
    private readonly GitHubAlerts second = new("gh-second");
    private readonly List<GitHubAlerts> listed = [];
    private LoopbackServer server = null!;
    private int status = StatusCodes.Status200OK;
    private int fetches;

    public async Task InitializeAsync()
    {
        listed.Add(first);
        server = await LoopbackServer.StartAsync(app => app.MapGet("/meta/public_keys/secret_scanning", (HttpContext context) =>
        {
            Interlocked.Increment(ref fetches);
            if (status != StatusCodes.Status200OK)
            {
                return Results.Text("<html>down</html>", "text/html", statusCode: status);
            }

            return Results.Json(new
            {
                public_keys = listed.Select(k => new { key_identifier = k.KeyIdentifier, key = k.PublicKeyPem, is_current = true }),
            });
        }));
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        first.Dispose();
        second.Dispose();
    }

    private MemsolusAppFactory NewApp() => new(new TestHostOptions { FakeClock = true }.With(new Dictionary<string, string?>
    {
        ["LeakReports:GitHub:KeysUrl"] = server.Url("/meta/public_keys/secret_scanning").AbsoluteUri,
    }));

    [Fact]
    public async Task An_alert_signed_with_a_listed_key_is_acted_on_and_the_list_is_fetched_once()
    {
        await using var app = NewApp();
        var session = await app.NewSessionAsync([Permissions.MemoryRead]);

        using var response = await first.PostAsync(app.CreateClient(), GitHubAlerts.Body((session.Key.Secret, null)));
        using var again = await first.PostAsync(app.CreateClient(), GitHubAlerts.Body((ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret, null)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.Client.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(1, fetches);
    }

    [Fact]
    public async Task An_unknown_identifier_fetches_again_at_most_once_per_interval()
    {
        await using var app = NewApp();
        var body = GitHubAlerts.Body((ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret, null));

        using (var unknown = await second.PostAsync(app.CreateClient(), body))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        }

        // GitHub starts signing with a new key; the flood of alerts before the interval has passed
        // costs no fetch.
        listed.Add(second);
        for (var i = 0; i < 5; i++)
        {
            using var soon = await second.PostAsync(app.CreateClient(), body);
            Assert.Equal(HttpStatusCode.Unauthorized, soon.StatusCode);
        }

        Assert.Equal(1, fetches);

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        using var later = await second.PostAsync(app.CreateClient(), body);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        Assert.Equal(2, fetches);
    }

    [Theory]
    [InlineData(StatusCodes.Status500InternalServerError)]
    [InlineData(StatusCodes.Status200OK + 1)]
    public async Task A_list_that_cannot_be_fetched_is_401_never_500_and_is_tried_again_later(int failure)
    {
        await using var app = NewApp();
        var body = GitHubAlerts.Body((ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret, null));
        // 201 with HTML stands for a body that is not the list.
        status = failure;

        using (var refused = await first.PostAsync(app.CreateClient(), body))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        status = StatusCodes.Status200OK;
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        using var accepted = await first.PostAsync(app.CreateClient(), body);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task A_keys_url_nobody_listens_on_is_401_never_500()
    {
        var port = server.Port;
        await server.DisposeAsync();
        server = await LoopbackServer.StartAsync(_ => { });
        await using var app = new MemsolusAppFactory(new TestHostOptions().With(new Dictionary<string, string?>
        {
            ["LeakReports:GitHub:KeysUrl"] = $"http://127.0.0.1:{port}/meta/public_keys/secret_scanning",
        }));

        using var response = await first.PostAsync(app.CreateClient(), GitHubAlerts.Body((ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret, null)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(app.Logs.Lines(), line => line.Contains("Could not fetch GitHub's secret-scanning public keys", StringComparison.Ordinal));
    }
}
