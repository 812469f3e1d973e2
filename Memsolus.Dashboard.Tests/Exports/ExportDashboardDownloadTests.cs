using System.Net;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Exports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Exports;

// GET /exports/{id}/download, the Exports page's Download link: the signed-in owner gets the very
// bytes the API serves for the export (a file on SQLite's folder, chunks in PostgreSQL), and
// nobody else gets anything. The worker's steps are run by the test, so unfinished exports stay so;
// the clock moves on in some tests, so file names are read from the export rather than assumed.
public abstract class ExportDashboardDownloadTests(MemsolusAppFactory app)
{
    [Theory]
    [InlineData("json", "application/json")]
    [InlineData("ndjson", "application/x-ndjson")]
    public async Task The_owner_signed_in_gets_the_file_the_api_serves_as_an_attachment(string format, string contentType)
    {
        var session = await app.NewSessionAsync();
        await session.CreateMemoryAsync("Prefers tea — not coffee ☕");
        await session.CreateKnowledgeAsync("Runbook", "Restart, then check.");
        var id = (await session.StartExportAsync(new { format })).Id();
        await app.ExportRunner().RunOnceAsync();
        var client = await SignedInAsync(session.Owner);

        using var download = await client.GetAsync($"/exports/{id}/download");
        using var fromApi = await session.DownloadExportAsync(id);

        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(contentType, download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        var fileName = (await session.GetExportAsync(id)).Text("fileName");
        Assert.Matches($"^memsolus-export-live-[0-9]{{8}}-[0-9]{{4}}\\.{format}$", fileName);
        Assert.Equal(fileName, download.Content.Headers.ContentDisposition?.FileName);
        Assert.True(download.Headers.CacheControl?.NoStore, "The owner's data must not be kept by a cache.");
        var bytes = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal(await fromApi.Content.ReadAsByteArrayAsync(), bytes);
        Assert.Contains("Prefers tea", System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_range_is_answered_as_the_api_answers_it()
    {
        var session = await app.NewSessionAsync();
        await session.CreateMemoryAsync("some text to fill the file a little");
        var id = (await session.StartExportAsync()).Id();
        await app.ExportRunner().RunOnceAsync();
        var expected = await app.ExpectedContentAsync(id);
        var client = await SignedInAsync(session.Owner);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/exports/{id}/download");
        request.Headers.TryAddWithoutValidation("Range", "bytes=5-24");
        using var range = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, range.StatusCode);
        Assert.Equal(new System.Net.Http.Headers.ContentRangeHeaderValue(5, 24, expected.Length), range.Content.Headers.ContentRange);
        Assert.Equal(expected[5..25], await range.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_test_environment_export_downloads_whatever_the_test_mode_cookie_says()
    {
        var session = await app.NewSessionAsync(environment: ApiKeyEnvironment.Test);
        await session.CreateMemoryAsync("only in test data");
        var id = (await session.StartExportAsync(new { format = "ndjson" })).Id();
        await app.ExportRunner().RunOnceAsync();
        var client = await SignedInAsync(session.Owner);

        using var download = await client.GetAsync($"/exports/{id}/download");

        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.StartsWith("memsolus-export-test-", download.Content.Headers.ContentDisposition?.FileName, StringComparison.Ordinal);
        Assert.Contains("only in test data", await download.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_signing_in_the_answer_is_401_and_no_file()
    {
        var session = await app.NewSessionAsync();
        await session.CreateMemoryAsync("the owner's secret recipe");
        var id = (await session.StartExportAsync()).Id();
        await app.ExportRunner().RunOnceAsync();
        using var anonymous = app.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await anonymous.GetAsync($"/exports/{id}/download");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("secret recipe", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_key_alone_does_not_open_the_dashboards_link()
    {
        var session = await app.NewSessionAsync();
        var id = (await session.StartExportAsync()).Id();
        await app.ExportRunner().RunOnceAsync();

        using var response = await session.Client.GetAsync($"/exports/{id}/download");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Another_owners_export_is_404_and_never_serves_their_file()
    {
        var owner = await app.NewSessionAsync();
        await owner.CreateMemoryAsync("the owner's secret recipe");
        var id = (await owner.StartExportAsync()).Id();
        await app.ExportRunner().RunOnceAsync();
        var stranger = await SignedInAsync(await app.NewOwnerAsync("stranger"));

        using var response = await stranger.GetAsync($"/exports/{id}/download");

        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal("No export with that id.", problem.Text("detail"));
        Assert.DoesNotContain("secret recipe", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0196f3a2-0000-7000-8000-000000000000")]
    [InlineData("not-an-id")]
    [InlineData("..%2F..%2Fappsettings.json")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    public async Task An_unknown_or_garbage_id_is_404_never_500(string id)
    {
        var client = await SignedInAsync(await app.NewOwnerAsync());

        using var response = await client.GetAsync($"/exports/{id}/download");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task An_export_not_finished_yet_is_409_saying_its_status()
    {
        var session = await app.NewSessionAsync();
        var id = (await session.StartExportAsync()).Id();
        var client = await SignedInAsync(session.Owner);

        using var queued = await client.GetAsync($"/exports/{id}/download");

        var problem = await ApiAssert.ProblemAsync(queued, HttpStatusCode.Conflict);
        Assert.Equal("Export not ready", problem.Text("title"));
        Assert.Equal("The export is queued; download it once its status is succeeded.", problem.Text("detail"));
    }

    [Fact]
    public async Task A_failed_export_is_409_and_an_expired_one_410()
    {
        var session = await app.NewSessionAsync();
        var failed = (await session.StartExportAsync()).Id();
        await SetStatusAsync(failed, ExportStatus.Failed, ExportRunner.WriteFailedError);
        var expired = (await session.StartExportAsync()).Id();
        await app.ExportRunner().RunOnceAsync();
        var client = await SignedInAsync(session.Owner);
        app.Clock.Advance(TimeSpan.FromDays(8));

        using var failedDownload = await client.GetAsync($"/exports/{failed}/download");
        using var expiredDownload = await client.GetAsync($"/exports/{expired}/download");

        var failedProblem = await ApiAssert.ProblemAsync(failedDownload, HttpStatusCode.Conflict);
        Assert.Equal("The export failed and has no file; start a new export.", failedProblem.Text("detail"));
        var expiredProblem = await ApiAssert.ProblemAsync(expiredDownload, HttpStatusCode.Gone);
        Assert.Equal("Export expired", expiredProblem.Text("title"));
    }

    private async Task<HttpClient> SignedInAsync(AuditActor owner)
    {
        var client = app.CreateClient(new() { AllowAutoRedirect = false });
        using var signedIn = await IdentityForms.LoginAsync(client, owner.UserName!, TestAccounts.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return client;
    }

    private async Task SetStatusAsync(Guid id, ExportStatus status, string? error)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        var job = await db.ExportJobs.SingleAsync(j => j.Id == id);
        job.Status = status;
        job.Error = error;
        job.CompletedAt = app.Clock.GetUtcNow();
        await db.SaveChangesAsync();
    }

    public sealed class OnSqlite(AppFixture<OnSqlite> fixture) : ExportDashboardDownloadTests(fixture.App), IClassFixture<AppFixture<OnSqlite>>, ITestHost
    {
        public static TestHostOptions Options => ExportsHosts.Manual;
    }

    public sealed class OnPostgres(AppFixture<OnPostgres> fixture) : ExportDashboardDownloadTests(fixture.App), IClassFixture<AppFixture<OnPostgres>>, ITestHost
    {
        public static TestHostOptions Options => ExportsHosts.Manual.OnPostgres();
    }
}
