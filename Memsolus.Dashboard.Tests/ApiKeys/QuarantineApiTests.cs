using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.ApiKeys;

// Quarantine as an API client sees it (docs/api.md, docs/security.md "Quarantine"): the key keeps its
// read permissions, every other permission it holds answers 403 naming key_quarantined, and Restore
// gives them back. Each key is first used, so that it is cached: the change must reach the cache.
public abstract class QuarantineApiTests(MemsolusAppFactory app)
{
    private ApiKeyStore Keys => app.Services.GetRequiredService<ApiKeyStore>();

    [Fact]
    public async Task Quarantine_blocks_writes_with_key_quarantined_keeps_reads_and_restore_brings_writes_back()
    {
        var session = await app.NewSessionAsync(ApiSession.AllPermissions);
        await session.CreateMemoryAsync("before the quarantine");

        var quarantined = await Keys.QuarantineAsync(session.Owner, session.Key.Key.Id);
        Assert.True(quarantined.Succeeded, quarantined.Error?.Message);

        using (var write = await session.Client.PostAsJsonAsync("/api/v1/memories", new { content = "while quarantined" }))
        {
            var problem = await ApiAssert.ForbiddenAsync(write, Permissions.MemoryWrite);
            Assert.Equal(ApiMiddleware.QuarantinedCode, problem.GetProperty("code").GetString());
            Assert.Contains("quarantined", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Contains("restore", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        }

        var listed = await session.ListAsync("/api/v1/memories");
        Assert.Equal(["before the quarantine"], listed.Select(m => m.GetProperty("content").GetString()));
        using (var usage = await session.Client.GetAsync("/api/v1/dashboard/usage"))
        {
            await ApiAssert.JsonAsync(usage);
        }

        var restored = await Keys.RestoreAsync(session.Owner, session.Key.Key.Id);
        Assert.True(restored.Succeeded, restored.Error?.Message);

        await session.CreateMemoryAsync("after the restore");
        Assert.Equal(2, (await session.ListAsync("/api/v1/memories")).Count);
    }

    // Every endpoint the app serves, found from its routes as EndpointPermissionMatrixTests finds them.
    [Fact]
    public async Task A_quarantined_full_access_key_passes_every_read_endpoint_and_is_refused_key_quarantined_on_every_other()
    {
        var session = await app.NewSessionAsync(ApiSession.AllPermissions);
        Assert.True((await Keys.QuarantineAsync(session.Owner, session.Key.Key.Id)).Succeeded);
        var wrong = new List<string>();

        foreach (var (method, pattern, permission) in GuardedEndpoints())
        {
            using var request = Request(method, pattern);
            using var response = await session.Client.SendAsync(request);
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync();
            if (Permissions.IsRead(permission))
            {
                if (status is 401 or 403 or >= 500)
                {
                    wrong.Add($"{method} {pattern.RawText} ({permission}) answered {status}: {body}");
                }
            }
            else if (status != 403 || JsonDocument.Parse(body).RootElement is var problem
                && (!problem.TryGetProperty("code", out var code) || code.GetString() != ApiMiddleware.QuarantinedCode
                    || problem.GetProperty("requiredPermission").GetString() != permission))
            {
                wrong.Add($"{method} {pattern.RawText} ({permission}) answered {status}: {body}");
            }
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public async Task A_permission_the_quarantined_key_never_had_is_the_ordinary_403()
    {
        var session = await app.NewSessionAsync([Permissions.MemoryRead]);
        Assert.True((await Keys.QuarantineAsync(session.Owner, session.Key.Key.Id)).Succeeded);

        using var write = await session.Client.PostAsJsonAsync("/api/v1/memories", new { content = "never allowed" });

        var problem = await ApiAssert.ForbiddenAsync(write, Permissions.MemoryWrite);
        Assert.False(problem.TryGetProperty("code", out _));
        Assert.DoesNotContain("quarantined", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Me_of_a_quarantined_key_says_so_lists_what_works_now_and_what_restore_gives_back()
    {
        var session = await app.NewSessionAsync([Permissions.MemoryRead, Permissions.MemoryWrite, Permissions.KnowledgeDelete, Permissions.DashboardRead]);
        await session.GetJsonAsync("/api/v1/me");
        Assert.True((await Keys.QuarantineAsync(session.Owner, session.Key.Key.Id)).Succeeded);

        var me = await session.GetJsonAsync("/api/v1/me");

        Assert.True(me.GetProperty("quarantined").GetBoolean());
        Assert.Equal([Permissions.MemoryRead, Permissions.DashboardRead], Strings(me, "permissions"));
        Assert.Equal([Permissions.MemoryWrite, Permissions.KnowledgeDelete], Strings(me, "withheldPermissions"));

        Assert.True((await Keys.RestoreAsync(session.Owner, session.Key.Key.Id)).Succeeded);
        me = await session.GetJsonAsync("/api/v1/me");
        Assert.False(me.GetProperty("quarantined").GetBoolean());
        Assert.Equal([Permissions.MemoryRead, Permissions.MemoryWrite, Permissions.KnowledgeDelete, Permissions.DashboardRead], Strings(me, "permissions"));
        Assert.Empty(Strings(me, "withheldPermissions"));
    }

    private static List<string?> Strings(JsonElement json, string property) =>
        json.GetProperty(property).EnumerateArray().Select(p => p.GetString()).ToList();

    private IEnumerable<(string Method, RoutePattern Pattern, string Permission)> GuardedEndpoints() =>
        from endpoint in app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
        where endpoint.RoutePattern.RawText?.StartsWith(ApiExtensions.BasePath + "/", StringComparison.Ordinal) == true
        let permission = endpoint.Metadata.GetMetadata<RequiredPermission>()?.Name
        where permission is not null
        from method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []
        select (method, endpoint.RoutePattern, permission);

    // Authorisation comes before the body or the id is read: random ids and an empty JSON body do.
    private static HttpRequestMessage Request(string method, RoutePattern pattern)
    {
        var path = string.Concat(pattern.PathSegments.Select(segment => "/" + string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart parameter when parameter.ParameterPolicies.Any(p => p.Content is "int" or "long") => "1",
            RoutePatternParameterPart => Guid.NewGuid().ToString(),
            _ => throw new InvalidOperationException($"Unexpected route part in {pattern.RawText}"),
        }))));
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        return request;
    }

    public sealed class OnSqlite(MemsolusAppFactory app) : QuarantineApiTests(app), IClassFixture<MemsolusAppFactory>;

    public sealed class OnPostgres(AppFixture<Hosts.Postgres> fixture) : QuarantineApiTests(fixture.App), IClassFixture<AppFixture<Hosts.Postgres>>;
}
