using System.Net;
using System.Net.Http.Json;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.LeakReports;

namespace Memsolus.Dashboard.Tests.LeakReports;

// Reports from one address are limited (LeakReports:ReportsPerWindow, here 3): the next is 429 with
// Retry-After, through POST /leaks and the /report-leak page alike, and nothing is acted on.
public sealed class LeakReportLimitTests
{
    private static readonly TestHostOptions Limited = new TestHostOptions().With(new Dictionary<string, string?>
    {
        ["LeakReports:ReportsPerWindow"] = "3",
        ["LeakReports:ReportWindow"] = "01:00:00",
    });

    [Fact]
    public async Task The_report_after_the_limit_is_429_with_retry_after_and_acts_on_nothing()
    {
        await using var app = new MemsolusAppFactory(Limited);
        var client = app.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            using var allowed = await client.PostAsJsonAsync(LeakReportsApi.ReportPath, new { key = ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret });
            Assert.Equal(HttpStatusCode.Accepted, allowed.StatusCode);
        }

        var session = await app.NewSessionAsync([Permissions.MemoryRead]);
        using var refused = await client.PostAsJsonAsync(LeakReportsApi.ReportPath, new { key = session.Key.Secret });

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var retryAfter = int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 3600);
        Assert.Equal(HttpStatusCode.OK, (await session.Client.GetAsync("/api/v1/me")).StatusCode);

        // The page counts against the same limit.
        using var page = await IdentityForms.PostFormAsync(app.CreateClient(new() { AllowAutoRedirect = false }), "/report-leak", "report-leak",
            new Dictionary<string, string> { ["Input.Key"] = session.Key.Secret });
        Assert.Equal(HttpStatusCode.TooManyRequests, page.StatusCode);
        Assert.True(page.Headers.Contains("Retry-After"));
        Assert.Contains("Too many reports", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await session.Client.GetAsync("/api/v1/me")).StatusCode);
    }
}
