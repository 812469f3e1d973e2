using System.Net;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Exports;

namespace Memsolus.Dashboard.Tests.Exports;

public sealed class ExportLimitAndFailureTests
{
    [Fact]
    public async Task Owner_at_the_limit_of_pending_exports_is_429_in_either_environment_until_one_finishes()
    {
        await using var app = new MemsolusAppFactory(ExportsHosts.Manual.With(new Dictionary<string, string?> { ["Exports:MaxPendingPerOwner"] = "2" }));
        var live = await app.NewSessionAsync();
        var test = await app.NewSessionAsync(live.Owner, environment: ApiKeyEnvironment.Test);
        var stranger = await app.NewSessionAsync();
        await live.StartExportAsync();
        await test.StartExportAsync();

        using var third = await live.PostExportAsync(new { format = "json" });
        using var thirdInTest = await test.PostExportAsync(new { format = "json" });

        var problem = await ApiAssert.ProblemAsync(third, HttpStatusCode.TooManyRequests);
        Assert.Contains("2 exports queued or running", problem.Text("detail"), StringComparison.Ordinal);
        // As every 429 of the API (the OpenAPI document declares it so).
        Assert.Equal("10", Assert.Single(third.Headers.GetValues("Retry-After")));
        await ApiAssert.ProblemAsync(thirdInTest, HttpStatusCode.TooManyRequests);
        Assert.Equal(2, (await live.ListAsync("/api/v1/exports")).Count + (await test.ListAsync("/api/v1/exports")).Count);
        await stranger.StartExportAsync();

        await app.ExportRunner().RunOnceAsync();
        await live.StartExportAsync();
    }

    [Fact]
    public async Task Export_that_cannot_be_written_fails_with_a_message_leaves_no_file_and_the_next_one_succeeds()
    {
        await using var app = new MemsolusAppFactory(ExportsHosts.Manual);
        var session = await app.NewSessionAsync();
        await session.CreateMemoryAsync("kept safe");
        // A file where the exports directory should be: nothing can be written there.
        File.WriteAllText(app.ExportsDirectory, "in the way");
        var id = (await session.StartExportAsync()).Id();

        Assert.Equal(1, await app.ExportRunner().RunOnceAsync());

        var job = await session.GetExportAsync(id);
        Assert.Equal("failed", job.Text("status"));
        Assert.Equal(ExportRunner.WriteFailedError, job.Text("error"));
        Assert.Equal(app.Clock.GetUtcNow(), job.GetProperty("completedAt").GetDateTimeOffset());
        using var download = await session.DownloadExportAsync(id);
        var problem = await ApiAssert.ProblemAsync(download, HttpStatusCode.Conflict);
        Assert.Contains("failed", problem.Text("detail"), StringComparison.Ordinal);
        Assert.Contains(app.Logs.Lines(), line => line.StartsWith("Error", StringComparison.Ordinal) && line.Contains($"Export {id} failed", StringComparison.Ordinal));
        Assert.DoesNotContain(app.WebhookEvents.Events, e => e.EventType == Memsolus.Dashboard.Webhooks.WebhookEventTypes.ExportCompleted);

        File.Delete(app.ExportsDirectory);
        var next = (await session.StartExportAsync()).Id();
        await app.ExportRunner().RunOnceAsync();
        Assert.Equal("succeeded", (await session.GetExportAsync(next)).Text("status"));
        Assert.Equal([$"{next:N}.json"], Directory.GetFiles(app.ExportsDirectory).Select(Path.GetFileName));
    }
}
