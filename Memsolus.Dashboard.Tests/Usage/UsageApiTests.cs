using System.Net;
using System.Text.Json;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.Usage;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Usage;

// GET /api/v1/dashboard/usage and /alerts: the calling key's owner's keys of the calling key's
// environment only. The clock is frozen at 2026-03-10 09:30 UTC.
public abstract class UsageApiTests(MemsolusAppFactory app)
{
    private RequestCountRecorder Recorder => app.Services.GetRequiredService<RequestCountRecorder>();

    [Fact]
    public async Task Usage_lists_each_key_of_the_callers_environment_with_thirty_days_of_counts_by_outcome()
    {
        var dashboard = await app.NewSessionAsync([Permissions.DashboardRead, Permissions.MemoryRead]);
        var agent = await app.NewSessionAsync(dashboard.Owner, [Permissions.MemoryRead]);
        var test = await app.NewSessionAsync(dashboard.Owner, [Permissions.MemoryRead], ApiKeyEnvironment.Test);
        var someoneElse = await app.NewSessionAsync([Permissions.MemoryRead]);
        await GetAsync(dashboard, "/api/v1/memories", 2, HttpStatusCode.OK);
        await GetAsync(agent, "/api/v1/knowledge", 3, HttpStatusCode.Forbidden);
        await GetAsync(test, "/api/v1/memories", 1, HttpStatusCode.OK);
        await GetAsync(someoneElse, "/api/v1/memories", 1, HttpStatusCode.OK);
        await Recorder.FlushAsync();

        var usage = await dashboard.GetJsonAsync("/api/v1/dashboard/usage");

        Assert.Equal("2026-02-09", usage.GetProperty("from").GetString());
        Assert.Equal("2026-03-10", usage.GetProperty("to").GetString());
        var keys = usage.GetProperty("keys").EnumerateArray().ToList();
        Assert.Equal([agent.Key.Key.Id, dashboard.Key.Key.Id], keys.Select(k => k.GetProperty("keyId").GetGuid()));

        var agentUsage = keys[0];
        Assert.Equal(agent.Key.Key.Name, agentUsage.GetProperty("name").GetString());
        Assert.Equal(agent.Key.Key.DisplayKey, agentUsage.GetProperty("displayKey").GetString());
        Assert.Equal("live", agentUsage.GetProperty("environment").GetString());
        Assert.Equal(3, agentUsage.GetProperty("total").GetInt64());
        var days = agentUsage.GetProperty("days").EnumerateArray().ToList();
        Assert.Equal(30, days.Count);
        Assert.Equal("2026-02-09", days[0].GetProperty("date").GetString());
        Assert.Equal(0, days[0].GetProperty("total").GetInt64());
        var today = days[^1];
        Assert.Equal("2026-03-10", today.GetProperty("date").GetString());
        Assert.Equal(3, today.GetProperty("total").GetInt64());
        Assert.Equal(
            """{"2xx":0,"401":0,"403":3,"429":0,"4xx":0,"5xx":0}""",
            today.GetProperty("outcomes").GetRawText());
        Assert.Equal(2, keys[1].GetProperty("days")[29].GetProperty("outcomes").GetProperty("2xx").GetInt64());
    }

    [Fact]
    public async Task A_test_key_sees_the_usage_of_the_owners_test_keys_only()
    {
        var live = await app.NewSessionAsync([Permissions.DashboardRead]);
        var test = await app.NewSessionAsync(live.Owner, [Permissions.DashboardRead], ApiKeyEnvironment.Test);

        var usage = await test.GetJsonAsync("/api/v1/dashboard/usage");

        Assert.Equal([test.Key.Key.Id], usage.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("keyId").GetGuid()));
    }

    [Fact]
    public async Task Alerts_name_the_key_what_is_wrong_and_the_action_for_the_callers_environment_only()
    {
        var everything = Permissions.All.Select(p => p.Name).ToList();
        var admin = await app.NewSessionAsync(everything);
        await app.NewSessionAsync(admin.Owner, everything, ApiKeyEnvironment.Test);
        var crm = await app.NewSessionAsync(admin.Owner, [Permissions.MemoryRead]);
        await GetAsync(crm, "/api/v1/knowledge", 20, HttpStatusCode.Forbidden);
        await Recorder.FlushAsync();

        var alerts = (await admin.GetJsonAsync("/api/v1/dashboard/alerts")).GetProperty("data").EnumerateArray().ToList();

        Assert.Equal(2, alerts.Count);
        var refused = alerts[0];
        Assert.Equal(KeyAlertTypes.FailedRequests, refused.GetProperty("type").GetString());
        Assert.Equal("error", refused.GetProperty("severity").GetString());
        Assert.Equal(crm.Key.Key.Id, refused.GetProperty("keyId").GetGuid());
        Assert.Equal(crm.Key.Key.Name, refused.GetProperty("keyName").GetString());
        Assert.Equal("live", refused.GetProperty("environment").GetString());
        Assert.StartsWith("Refused 20 times in the last hour (0 × 401 and 20 × 403).", refused.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("edit", refused.GetProperty("action").GetString());

        var fullAccess = alerts[1];
        Assert.Equal(KeyAlertTypes.FullAccess, fullAccess.GetProperty("type").GetString());
        Assert.Equal(admin.Key.Key.Id, fullAccess.GetProperty("keyId").GetGuid());
        Assert.Equal("warning", fullAccess.GetProperty("severity").GetString());
        Assert.Equal("edit", fullAccess.GetProperty("action").GetString());
    }

    [Fact]
    public async Task An_alert_with_nothing_to_do_to_the_key_has_a_null_action()
    {
        var dashboard = await app.NewSessionAsync([Permissions.DashboardRead]);
        var leaked = await app.NewSessionAsync(dashboard.Owner, [Permissions.MemoryRead]);
        Assert.True((await app.Services.GetRequiredService<ApiKeyStore>().RevokeAsync(dashboard.Owner, leaked.Key.Key.Id, "leaked")).Succeeded);
        await GetAsync(leaked, "/api/v1/memories", 20, HttpStatusCode.Unauthorized);
        await Recorder.FlushAsync();

        var alert = (await dashboard.GetJsonAsync("/api/v1/dashboard/alerts")).GetProperty("data").EnumerateArray().Single();

        Assert.Equal(leaked.Key.Key.Id, alert.GetProperty("keyId").GetGuid());
        Assert.Equal(JsonValueKind.Null, alert.GetProperty("action").ValueKind);
    }

    private static async Task GetAsync(ApiSession session, string path, int times, HttpStatusCode expected)
    {
        for (var i = 0; i < times; i++)
        {
            using var response = await session.Client.GetAsync(path);
            Assert.Equal(expected, response.StatusCode);
        }
    }

    public sealed class OnSqlite(AppFixture<Hosts.FakeClock> fixture) : UsageApiTests(fixture.App), IClassFixture<AppFixture<Hosts.FakeClock>>;

    public sealed class OnPostgres(AppFixture<Hosts.PostgresFakeClock> fixture) : UsageApiTests(fixture.App), IClassFixture<AppFixture<Hosts.PostgresFakeClock>>;
}
