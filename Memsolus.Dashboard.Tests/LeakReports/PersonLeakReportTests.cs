using System.Net;
using System.Net.Http.Json;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Audit;
using Memsolus.Dashboard.LeakReports;

namespace Memsolus.Dashboard.Tests.LeakReports;

// POST /leaks and the /report-leak page (docs/leaks.md): whoever holds a key may report it, and the
// key is acted on as its owner chose; the answer is the same for every well-formed key, ours or not,
// so it says nothing about whose it was or whether it exists. The key is never sent back.
public abstract class PersonLeakReportTests(LeakReportHost host)
{
    private const string Me = "/api/v1/me";
    private const string FoundAt = "https://pastebin.example/raw/abc";

    private MemsolusAppFactory App => host.App;

    [Fact]
    public async Task A_reported_key_is_revoked_and_the_answer_is_the_same_as_for_an_unknown_key()
    {
        var session = await App.NewSessionAsync([Permissions.MemoryRead]);
        var unknown = ApiKeyFormat.Generate(ApiKeyEnvironment.Live).Secret;
        var client = App.CreateClient();

        using var known = await client.PostAsJsonAsync(LeakReportsApi.ReportPath, new { key = session.Key.Secret, url = FoundAt });
        using var stranger = await client.PostAsJsonAsync(LeakReportsApi.ReportPath, new { key = unknown, url = FoundAt });

        Assert.Equal(HttpStatusCode.Accepted, known.StatusCode);
        Assert.Equal(known.StatusCode, stranger.StatusCode);
        var answer = await known.Content.ReadAsStringAsync();
        Assert.Equal(answer, await stranger.Content.ReadAsStringAsync());
        Assert.Equal(known.Content.Headers.ContentType, stranger.Content.Headers.ContentType);
        Assert.DoesNotContain(session.Owner.UserName!, answer, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(session.Key.Key.Name, answer, StringComparison.Ordinal);
        Assert.DoesNotContain(session.Key.Secret, answer, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Unauthorized, (await session.Client.GetAsync(Me)).StatusCode);
        var key = await host.KeyAsync(session.Key.Key.Id);
        Assert.Equal($"Found leaked at {FoundAt}", key.RevocationReason);
        Assert.Equal(LeakSource.Report, key.LeakSource);
        Assert.Equal(FoundAt, key.LeakUrl);
        var leaked = Assert.Single(await host.EventsAsync(key.Id), e => e.EventType == AuditEventTypes.KeyLeaked);
        Assert.Equal(LeakResponder.ReportActor, leaked.ActorName);
        Assert.Null(leaked.ClientIp);
        Assert.DoesNotContain(App.Logs.Lines(), line => line.Contains(session.Key.Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_report_honours_the_owners_choice_of_notify_only()
    {
        var session = await App.NewSessionAsync([Permissions.MemoryRead]);
        await host.ChooseAsync(session.Owner, LeakAction.NotifyOnly);

        using var response = await App.CreateClient().PostAsJsonAsync(LeakReportsApi.ReportPath, new { key = session.Key.Secret });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await session.Client.GetAsync(Me)).StatusCode);
        var key = await host.KeyAsync(session.Key.Key.Id);
        Assert.NotNull(key.LeakedAt);
        Assert.Null(key.LeakUrl);
    }

    public static TheoryData<string, string> Invalid => new()
    {
        { "{}", "key" },
        { "{\"key\": \"msk_live_short\"}", "key" },
        { "{\"key\": 42}", "" },
        { "[]", "key" },
        { "{", "" },
        { "{\"key\": \"msk_live_000000000000000000000000000000000000000000\", \"url\": \"javascript:alert(1)\"}", "key" },
        { "{\"key\": \"\\ud800\"}", "" },
        { "{\"key\": \"msk_live_000000000000000000000000000000000000000000\", \"url\": \"https://example.com/\\udc00\"}", "" },
        // Nesting far past System.Text.Json's depth limit, in the key and around it.
        { "{\"key\": " + new string('[', 5000) + new string(']', 5000) + "}", "" },
        { new string('[', 5000) + new string(']', 5000), "" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task A_malformed_report_is_400_naming_the_field_and_never_a_500(string body, string field)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await App.CreateClient().PostAsync(LeakReportsApi.ReportPath, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (field.Length > 0)
        {
            Assert.Contains($"\"{field}\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_bad_url_with_a_good_key_is_400_and_changes_nothing()
    {
        var session = await App.NewSessionAsync([Permissions.MemoryRead]);

        using var response = await App.CreateClient().PostAsJsonAsync(LeakReportsApi.ReportPath, new { key = session.Key.Secret, url = "javascript:alert(1)" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"url\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null((await host.KeyAsync(session.Key.Key.Id)).LeakedAt);
    }

    [Fact]
    public async Task The_report_page_form_acts_on_the_key_and_never_shows_it_back()
    {
        var session = await App.NewSessionAsync([Permissions.MemoryRead]);
        var client = App.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await IdentityForms.PostFormAsync(client, "/report-leak", "report-leak", new Dictionary<string, string>
        {
            ["Input.Key"] = session.Key.Secret,
            ["Input.Url"] = FoundAt,
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains(System.Net.WebUtility.HtmlEncode(LeakReportsApi.Received), html, StringComparison.Ordinal);
        Assert.DoesNotContain(session.Key.Secret, html, StringComparison.Ordinal);
        Assert.DoesNotContain(session.Key.Key.Name, html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.Client.GetAsync(Me)).StatusCode);
        Assert.Equal(FoundAt, (await host.KeyAsync(session.Key.Key.Id)).LeakUrl);
    }

    [Fact]
    public async Task The_report_page_names_a_malformed_key_without_echoing_it()
    {
        var client = App.CreateClient(new() { AllowAutoRedirect = false });
        const string Typo = "msk_live_ThisIsNotAWholeKeyButCloseEnough0000000";

        using var response = await IdentityForms.PostFormAsync(client, "/report-leak", "report-leak", new Dictionary<string, string>
        {
            ["Input.Key"] = Typo,
            ["Input.Url"] = "not a url",
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains(System.Net.WebUtility.HtmlEncode(LeakReportForm.KeyMalformed), html, StringComparison.Ordinal);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(LeakUrls.Invalid), html, StringComparison.Ordinal);
        Assert.DoesNotContain(Typo, html, StringComparison.Ordinal);
        Assert.DoesNotContain(LeakReportsApi.Received, html, StringComparison.Ordinal);
    }

    public sealed class OnSqlite(LeakReportHost.Sqlite host) : PersonLeakReportTests(host), IClassFixture<LeakReportHost.Sqlite>;

    public sealed class OnPostgres(LeakReportHost.Postgres host) : PersonLeakReportTests(host), IClassFixture<LeakReportHost.Postgres>;
}
