using System.Net;
using System.Text;
using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Api;

// Check 5 in docs/security.md for every permission in the catalogue against every endpoint the app serves
// under /api/v1, found at run time from its routes and their RequiredPermission: an endpoint added
// later is covered without touching this file. Authorisation runs before the body or the id is
// read, so route values are random GUIDs and bodies an empty JSON object: a key with only the
// required permission gets past authorisation (to a 2xx, 400 or 404), never to a 401 or 403.
public abstract class EndpointPermissionMatrixTests(MemsolusAppFactory app)
{
    public static TheoryData<string> CataloguePermissions => new(Permissions.All.Select(p => p.Name));

    [Theory]
    [MemberData(nameof(CataloguePermissions))]
    public async Task A_key_with_every_other_permission_is_refused_403_naming_this_one_on_every_endpoint_it_guards(string permission)
    {
        var others = Permissions.All.Select(p => p.Name).Where(p => p != permission).ToList();
        var session = await app.NewSessionAsync(others);

        foreach (var endpoint in GuardedBy(permission))
        {
            using var request = endpoint.Request();
            using var response = await session.Client.SendAsync(request);
            await ApiAssert.ForbiddenAsync(response, permission);
        }
    }

    [Theory]
    [MemberData(nameof(CataloguePermissions))]
    public async Task A_key_with_only_this_permission_gets_past_authorisation_on_every_endpoint_it_guards(string permission)
    {
        var session = await app.NewSessionAsync([permission]);
        var refused = new List<string>();

        foreach (var endpoint in GuardedBy(permission))
        {
            using var request = endpoint.Request();
            using var response = await session.Client.SendAsync(request);
            var status = (int)response.StatusCode;
            if (status is 401 or 403 or >= 500)
            {
                refused.Add($"{endpoint} answered {status}: {await response.Content.ReadAsStringAsync()}");
            }
        }

        Assert.Empty(refused);
    }

    [Theory]
    [MemberData(nameof(CataloguePermissions))]
    public async Task A_key_with_only_this_permission_is_refused_403_on_every_endpoint_guarded_by_another(string permission)
    {
        var session = await app.NewSessionAsync([permission]);
        var accepted = new List<string>();

        foreach (var endpoint in ApiExtensions().Where(e => e.Permission is not null && e.Permission != permission))
        {
            using var request = endpoint.Request();
            using var response = await session.Client.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.Forbidden)
            {
                accepted.Add($"{endpoint} answered {(int)response.StatusCode}");
                continue;
            }

            await ApiAssert.ForbiddenAsync(response, endpoint.Permission!);
        }

        Assert.Empty(accepted);
    }

    [Fact]
    public void Every_api_endpoint_but_me_requires_one_permission_from_the_catalogue()
    {
        var endpoints = ApiExtensions().ToList();

        Assert.Equal(["GET /api/v1/me"], endpoints.Where(e => e.Permission is null).Select(e => e.ToString()));
        Assert.All(endpoints.Where(e => e.Permission is not null), e => Assert.True(Permissions.IsKnown(e.Permission!), $"{e} requires {e.Permission}, which is not in the catalogue"));
    }

    [Fact]
    public void The_matrix_finds_the_memory_knowledge_and_dashboard_endpoints()
    {
        var guarded = ApiExtensions().Select(e => e.Permission).ToHashSet();

        Assert.Superset(
            Permissions.All.Where(p => p.Resource is "memory" or "knowledge" or "dashboard").Select(p => (string?)p.Name).ToHashSet(),
            guarded);
    }

    [Fact]
    public void Every_permission_in_the_catalogue_guards_at_least_one_endpoint()
    {
        var guarded = ApiExtensions().Select(e => e.Permission).ToHashSet();

        Assert.All(Permissions.All, p => Assert.True(guarded.Contains(p.Name), $"No endpoint requires {p.Name}"));
    }

    private IEnumerable<ApiRoute> GuardedBy(string permission) => ApiExtensions().Where(e => e.Permission == permission);

    private IEnumerable<ApiRoute> ApiExtensions() =>
        from endpoint in app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
        where endpoint.RoutePattern.RawText?.StartsWith(Memsolus.Dashboard.Api.ApiExtensions.BasePath + "/", StringComparison.Ordinal) == true
        from method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []
        select new ApiRoute(method, endpoint.RoutePattern, endpoint.Metadata.GetMetadata<RequiredPermission>()?.Name);

    private sealed record ApiRoute(string Method, RoutePattern Pattern, string? Permission)
    {
        // Each route value a GUID (or 1 where the route takes a number); each body an empty JSON object.
        public HttpRequestMessage Request()
        {
            var path = string.Concat(Pattern.PathSegments.Select(segment => "/" + string.Concat(segment.Parts.Select(part => part switch
            {
                RoutePatternLiteralPart literal => literal.Content,
                RoutePatternSeparatorPart separator => separator.Content,
                RoutePatternParameterPart parameter when parameter.ParameterPolicies.Any(p => p.Content is "int" or "long") => "1",
                RoutePatternParameterPart => Guid.NewGuid().ToString(),
                _ => throw new InvalidOperationException($"Unexpected route part in {Pattern.RawText}"),
            }))));
            var request = new HttpRequestMessage(new HttpMethod(Method), path);
            if (Method is "POST" or "PUT" or "PATCH")
            {
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            }

            return request;
        }

        public override string ToString() => $"{Method} {Pattern.RawText}";
    }

    public sealed class OnSqlite(MemsolusAppFactory app) : EndpointPermissionMatrixTests(app), IClassFixture<MemsolusAppFactory>;

    public sealed class OnPostgres(AppFixture<Hosts.Postgres> fixture) : EndpointPermissionMatrixTests(fixture.App), IClassFixture<AppFixture<Hosts.Postgres>>;
}
