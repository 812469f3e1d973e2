using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Memsolus.Dashboard.Tests.Ingestion;

// With Outbound:AllowPrivateNetworks false (production), a URL that reaches loopback, private,
// link-local or metadata addresses, directly, by name or through a redirect, is refused when the
// worker connects, and the refusal is the job's per-item error. The listener never sees a request.
public sealed class IngestOutboundRefusalTests(AppFixture<IngestOutboundRefusalTests> fixture) : IClassFixture<AppFixture<IngestOutboundRefusalTests>>, ITestHost
{
    private readonly MemsolusAppFactory app = fixture.App;

    public static TestHostOptions Options => IngestHosts.PublicOnly;

    [Theory]
    [InlineData("http://127.0.0.1:{port}/secret")]
    [InlineData("http://localhost:{port}/secret")]
    [InlineData("http://[::1]:{port}/secret")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.0.0.1/")]
    [InlineData("http://192.168.1.1/")]
    public async Task Url_to_a_non_public_address_is_refused_and_recorded_as_the_jobs_error(string template)
    {
        await using var server = await LoopbackServer.StartAsync(web => web.MapGet("/secret", () => "internal"));
        var session = await app.NewSessionAsync();
        var url = template.Replace("{port}", $"{server.Port}", StringComparison.Ordinal);

        using var response = await session.SubmitUrlAsync(url);
        var job = await session.FinishedJobAsync(app, response);

        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.Equal((1, 0, 1), (IngestClient.Count(job, "items"), IngestClient.Count(job, "succeeded"), IngestClient.Count(job, "failed")));
        var error = Assert.Single(IngestClient.Errors(job));
        Assert.Equal(new Uri(url).AbsoluteUri, error.Item);
        Assert.StartsWith("Refused to connect to ", error.Message, StringComparison.Ordinal);
        Assert.Contains("loopback, private, link-local or metadata", error.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
        Assert.Empty(await session.ListAsync("/api/v1/knowledge"));
    }

    [Fact]
    public async Task Redirect_from_an_allowed_host_to_a_private_address_is_refused_when_the_redirect_connects()
    {
        await using var server = await LoopbackServer.StartAsync(web =>
        {
            web.MapGet("/start", (HttpContext context) => Results.Redirect($"http://127.0.0.1:{context.Connection.LocalPort}/secret"));
            web.MapGet("/secret", () => "internal");
        });
        var session = await app.NewSessionAsync();

        using var response = await session.SubmitUrlAsync($"http://{IngestHosts.PublicHost}:{server.Port}/start");
        var job = await session.FinishedJobAsync(app, response);

        Assert.Equal("failed", job.GetProperty("status").GetString());
        var error = Assert.Single(IngestClient.Errors(job));
        Assert.Equal("Refused to connect to 127.0.0.1: it resolves only to loopback, private, link-local or metadata addresses.", error.Message);
        // The allowed host was asked; the private target of its redirect never was.
        Assert.Equal(["/start"], server.Requests);
        Assert.Empty(await session.ListAsync("/api/v1/knowledge"));
    }

    [Fact]
    public async Task Allowed_host_is_fetched_normally_so_the_redirect_test_proves_the_redirect_check()
    {
        await using var server = await LoopbackServer.StartAsync(web => web.MapGet("/page", () => Results.Content("<title>Public page</title><p>Hello</p>", "text/html")));
        var session = await app.NewSessionAsync();

        using var response = await session.SubmitUrlAsync($"http://{IngestHosts.PublicHost}:{server.Port}/page");
        var job = await session.FinishedJobAsync(app, response);

        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal("Public page", Assert.Single(await session.ListAsync("/api/v1/knowledge")).GetProperty("title").GetString());
    }

    [Fact]
    public async Task Redirect_between_allowed_hosts_is_followed_and_the_final_url_is_the_source()
    {
        await using var server = await LoopbackServer.StartAsync(web =>
        {
            web.MapGet("/old", () => Results.Redirect("/new"));
            web.MapGet("/new", () => Results.Text("moved here", "text/plain"));
        });
        var session = await app.NewSessionAsync();

        using var response = await session.SubmitUrlAsync($"http://{IngestHosts.PublicHost}:{server.Port}/old");
        var job = await session.FinishedJobAsync(app, response);

        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        var entry = Assert.Single(await session.ListAsync("/api/v1/knowledge"));
        Assert.Equal($"http://{IngestHosts.PublicHost}:{server.Port}/new", entry.GetProperty("source").GetString());
        Assert.Equal("moved here", entry.GetProperty("content").GetString());
    }

    [Fact]
    public async Task Upload_endpoint_accepts_bodies_over_the_apis_one_mebibyte_up_to_its_own_limit()
    {
        var session = await app.NewSessionAsync();
        var half = new string('a', 600 * 1024);

        using var response = await session.UploadAsync(("one.txt", half), ("two.txt", half));

        Assert.True(response.RequestMessage!.Content!.Headers.ContentLength > 1024 * 1024);
        var job = await session.FinishedJobAsync(app, response);
        // Accepted, then judged by the knowledge limits like any other entry.
        Assert.Equal(2, IngestClient.Count(job, "failed"));
        Assert.All(IngestClient.Errors(job), e => Assert.Contains("at most 100,000", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Other_api_endpoints_keep_the_one_mebibyte_limit()
    {
        var session = await app.NewSessionAsync();

        using var response = await session.SubmitUrlAsync("https://example.com/" + new string('a', 1024 * 1024));

        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("Request bodies may be at most 1024 KB.", problem.GetProperty("detail").GetString());
    }
}
