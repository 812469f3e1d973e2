using System.Net;
using System.Text.Json;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Exports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Exports;

// Files are kept for Exports:Retention (7 days unless configured) after an export succeeds. Past
// that a download is 410 Gone with a problem body: the export was the caller's own and it existed,
// so 404 would be less true. The clean-up then deletes the file and marks the job expired.
// Each test has an app of its own, since each moves its clock. They keep files for an hour: moving
// the fake clock by days fires every periodic timer in the app once a minute on the way, which is slow.
public sealed class ExportCleanupTests
{
    private static readonly TimeSpan Retention = TimeSpan.FromHours(1);

    private static MemsolusAppFactory NewApp() =>
        new(ExportsHosts.Manual.With(new Dictionary<string, string?> { ["Exports:Retention"] = Retention.ToString() }));

    [Fact]
    public async Task Export_past_its_expiry_is_410_to_download_and_shows_expired_even_before_the_cleanup_runs()
    {
        await using var app = NewApp();
        var session = await app.NewSessionAsync();
        var id = (await session.StartExportAsync()).Id();
        await app.ExportRunner().RunOnceAsync();

        app.Clock.Advance(Retention - TimeSpan.FromSeconds(1));
        using (var lastMoment = await session.DownloadExportAsync(id))
        {
            await ApiAssert.StatusAsync(lastMoment, HttpStatusCode.OK);
        }

        app.Clock.Advance(TimeSpan.FromSeconds(1));
        using var expired = await session.DownloadExportAsync(id);
        var job = await session.GetExportAsync(id);

        var problem = await ApiAssert.ProblemAsync(expired, HttpStatusCode.Gone);
        Assert.Contains("expired", problem.Text("detail"), StringComparison.Ordinal);
        Assert.Equal("expired", job.Text("status"));
        Assert.Equal(JsonValueKind.Null, job.GetProperty("downloadUrl").ValueKind);
    }

    [Fact]
    public async Task Cleanup_deletes_only_expired_files_and_marks_only_their_jobs_expired()
    {
        await using var app = NewApp();
        var session = await app.NewSessionAsync();
        var older = (await session.StartExportAsync()).Id();
        await app.ExportRunner().RunOnceAsync();
        app.Clock.Advance(TimeSpan.FromMinutes(20));
        var newer = (await session.StartExportAsync(new { format = "ndjson" })).Id();
        await app.ExportRunner().RunOnceAsync();
        app.Clock.Advance(TimeSpan.FromMinutes(40));

        var expired = await app.ExportRunner().CleanupAsync();

        Assert.Equal(1, expired);
        Assert.Equal([$"{newer:N}.ndjson"], Directory.GetFiles(app.ExportsDirectory).Select(Path.GetFileName));
        var jobs = await JobsAsync(app);
        Assert.Equal(ExportStatus.Expired, jobs[older].Status);
        Assert.Null(jobs[older].FileName);
        Assert.Equal(ExportStatus.Succeeded, jobs[newer].Status);
        Assert.Equal("expired", (await session.GetExportAsync(older)).Text("status"));
        using var olderDownload = await session.DownloadExportAsync(older);
        await ApiAssert.ProblemAsync(olderDownload, HttpStatusCode.Gone);
        using var newerDownload = await session.DownloadExportAsync(newer);
        await ApiAssert.StatusAsync(newerDownload, HttpStatusCode.OK);
        Assert.Equal(0, await app.ExportRunner().CleanupAsync());
    }

    [Fact]
    public async Task Retention_is_seven_days_unless_configured()
    {
        await using var byDefault = new MemsolusAppFactory(ExportsHosts.Manual);
        await using var configured = NewApp();

        var defaultJob = await SucceededExportAsync(byDefault);
        var configuredJob = await SucceededExportAsync(configured);

        Assert.Equal(TimeSpan.FromDays(7), defaultJob.GetProperty("expiresAt").GetDateTimeOffset() - defaultJob.GetProperty("completedAt").GetDateTimeOffset());
        Assert.Equal(Retention, configuredJob.GetProperty("expiresAt").GetDateTimeOffset() - configuredJob.GetProperty("completedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Cleanup_deletes_stray_export_files_a_day_past_the_retention_and_never_other_files()
    {
        await using var app = NewApp();
        _ = app.Services;
        Directory.CreateDirectory(app.ExportsDirectory);
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var strayExport = File(app, $"{Guid.NewGuid():N}.json", now - Retention - TimeSpan.FromDays(1) - TimeSpan.FromMinutes(1));
        var strayTemp = File(app, $"{Guid.NewGuid():N}.tmp", now - TimeSpan.FromDays(9));
        var recent = File(app, $"{Guid.NewGuid():N}.ndjson", now - Retention - TimeSpan.FromHours(23));
        var notOurs = File(app, "notes.txt", now - TimeSpan.FromDays(30));
        var database = File(app, "memsolus.db", now - TimeSpan.FromDays(30));

        await app.ExportRunner().CleanupAsync();

        Assert.Equal(
            new[] { recent, notOurs, database }.Order(),
            Directory.GetFiles(app.ExportsDirectory).Select(Path.GetFileName).Order());
        Assert.DoesNotContain(strayExport, Directory.GetFiles(app.ExportsDirectory).Select(Path.GetFileName));
        Assert.DoesNotContain(strayTemp, Directory.GetFiles(app.ExportsDirectory).Select(Path.GetFileName));
    }

    private static async Task<JsonElement> SucceededExportAsync(MemsolusAppFactory app)
    {
        var session = await app.NewSessionAsync();
        var id = (await session.StartExportAsync()).Id();
        await app.ExportRunner().RunOnceAsync();
        return await session.GetExportAsync(id);
    }

    private static string File(MemsolusAppFactory app, string name, DateTime lastWrite)
    {
        var path = Path.Combine(app.ExportsDirectory, name);
        System.IO.File.WriteAllText(path, "{}");
        System.IO.File.SetLastWriteTimeUtc(path, lastWrite);
        return name;
    }

    private static async Task<Dictionary<Guid, ExportJob>> JobsAsync(MemsolusAppFactory app)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ApplicationDbContext>>().CreateDbContextAsync();
        return await db.ExportJobs.AsNoTracking().ToDictionaryAsync(j => j.Id);
    }
}
