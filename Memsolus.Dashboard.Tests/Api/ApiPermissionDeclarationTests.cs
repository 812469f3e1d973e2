using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Memsolus.Dashboard.Tests.Api;

// Every /api/v1 endpoint says what it requires, and the app refuses to start when one does not: an
// endpoint without a RequiredPermission would accept any valid key.
public sealed class ApiPermissionDeclarationTests(MemsolusAppFactory app) : IClassFixture<MemsolusAppFactory>
{
    private const string AnyValidKey = "any valid key";

    // Written out by hand on purpose: an endpoint added, removed or re-guarded without updating this
    // table fails the test, so a change of who may call what is always a visible change here.
    private static readonly SortedDictionary<string, string> Expected = new(StringComparer.Ordinal)
    {
        ["GET /api/v1/me"] = AnyValidKey,
        ["GET /api/v1/memories/"] = Permissions.MemoryRead,
        ["GET /api/v1/memories/search"] = Permissions.MemoryRead,
        ["GET /api/v1/memories/{id:guid}"] = Permissions.MemoryRead,
        ["POST /api/v1/memories/"] = Permissions.MemoryWrite,
        ["PATCH /api/v1/memories/{id:guid}"] = Permissions.MemoryWrite,
        ["DELETE /api/v1/memories/{id:guid}"] = Permissions.MemoryDelete,
        ["GET /api/v1/knowledge/"] = Permissions.KnowledgeRead,
        ["GET /api/v1/knowledge/{id:guid}"] = Permissions.KnowledgeRead,
        ["POST /api/v1/knowledge/"] = Permissions.KnowledgeWrite,
        ["PATCH /api/v1/knowledge/{id:guid}"] = Permissions.KnowledgeWrite,
        ["DELETE /api/v1/knowledge/{id:guid}"] = Permissions.KnowledgeDelete,
        ["GET /api/v1/webhooks/"] = Permissions.WebhookRead,
        ["GET /api/v1/webhooks/{id:guid}"] = Permissions.WebhookRead,
        ["GET /api/v1/webhooks/{id:guid}/deliveries"] = Permissions.WebhookRead,
        ["POST /api/v1/webhooks/"] = Permissions.WebhookWrite,
        ["PATCH /api/v1/webhooks/{id:guid}"] = Permissions.WebhookWrite,
        ["DELETE /api/v1/webhooks/{id:guid}"] = Permissions.WebhookDelete,
        ["POST /api/v1/webhooks/{id:guid}/test"] = Permissions.WebhookWrite,
        ["POST /api/v1/webhooks/{id:guid}/deliveries/{deliveryId:guid}/redeliver"] = Permissions.WebhookWrite,
        ["POST /api/v1/webhooks/{id:guid}/roll-secret"] = Permissions.WebhookWrite,
        ["GET /api/v1/exports/"] = Permissions.ExportRead,
        ["GET /api/v1/exports/{id:guid}"] = Permissions.ExportRead,
        ["GET /api/v1/exports/{id:guid}/download"] = Permissions.ExportRead,
        ["POST /api/v1/exports/"] = Permissions.ExportWrite,
        ["GET /api/v1/ingest/jobs"] = Permissions.IngestRead,
        ["GET /api/v1/ingest/jobs/{id:guid}"] = Permissions.IngestRead,
        ["POST /api/v1/ingest/files"] = Permissions.IngestWrite,
        ["POST /api/v1/ingest/urls"] = Permissions.IngestWrite,
        ["GET /api/v1/dashboard/usage"] = Permissions.DashboardRead,
        ["GET /api/v1/dashboard/alerts"] = Permissions.DashboardRead,
    };

    [Fact]
    public void Every_api_endpoint_requires_exactly_what_the_table_says()
    {
        var actual = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var endpoint in app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.RoutePattern.RawText?.StartsWith(ApiExtensions.BasePath, StringComparison.OrdinalIgnoreCase) != true)
            {
                continue;
            }

            var required = endpoint.Metadata.GetMetadata<RequiredPermission>();
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["ANY"])
            {
                actual.Add($"{method} {endpoint.RoutePattern.RawText}", required is null ? "NONE" : required.Name ?? AnyValidKey);
            }
        }

        Assert.Equal(
            Expected.Select(e => $"{e.Key} -> {e.Value}"),
            actual.Select(e => $"{e.Key} -> {e.Value}"));
    }

    [Fact]
    public void The_app_does_not_start_when_an_api_endpoint_declares_no_permission()
    {
        using var unguarded = new MemsolusAppFactory(new TestHostOptions
        {
            Services = services => services.AddTransient<IStartupFilter, UnguardedEndpoint>(),
        });

        var error = Assert.Throws<InvalidOperationException>(() => unguarded.Services.GetRequiredService<EndpointDataSource>());

        Assert.Contains("declare no permission", error.Message, StringComparison.Ordinal);
        Assert.Contains("/api/v1/unguarded", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_endpoint_that_declares_any_valid_key_or_a_permission_passes_the_check()
    {
        var endpoints = new[]
        {
            Route("/api/v1/open", RequiredPermission.AnyValidKey),
            Route("/api/v1/guarded", new RequiredPermission(Permissions.MemoryRead)),
            Route("/health/live"),
        };

        Assert.Empty(ApiPermissionCheck.Undeclared(endpoints));
        Assert.Equal(["/api/v1/bare", "/API/V1"], ApiPermissionCheck.Undeclared([.. endpoints, Route("/api/v1/bare"), Route("/API/V1")]));
    }

    private static RouteEndpoint Route(string pattern, params object[] metadata) =>
        new(_ => Task.CompletedTask, Microsoft.AspNetCore.Routing.Patterns.RoutePatternFactory.Parse(pattern), 0, new EndpointMetadataCollection(metadata), pattern);

    // Maps an /api/v1 endpoint with no RequiredPermission, the way a feature that forgot it would.
    private sealed class UnguardedEndpoint : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.UseRouting();
            app.UseEndpoints(endpoints => endpoints.MapGet("/api/v1/unguarded", () => "anyone"));
        };
    }
}
