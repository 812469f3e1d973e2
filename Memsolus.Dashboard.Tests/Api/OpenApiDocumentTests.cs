using System.Net;
using System.Text.Json;
using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.Tests.Exports;

namespace Memsolus.Dashboard.Tests.Api;

// docs/api.md: the OpenAPI document describes every endpoint with the ApiKey scheme and the
// permission it needs, and the reference page renders it; both are open to anonymous callers.
public sealed class OpenApiDocumentTests(MemsolusAppFactory app) : IClassFixture<MemsolusAppFactory>
{
    [Fact]
    public async Task Document_declares_the_api_key_header_security_scheme()
    {
        var document = await DocumentAsync();

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("apiKey", scheme.GetProperty("type").GetString());
        Assert.Equal("header", scheme.GetProperty("in").GetString());
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Every_api_operation_requires_the_api_key_scheme_and_names_the_permission_its_endpoint_requires()
    {
        var document = await DocumentAsync();
        var expected = ApiEndpointCatalogue.All.Concat(ExportEndpoints.All).ToDictionary(e => e.OperationId, e => e.Permission);
        expected["GetMe"] = "any";
        foreach (var endpoint in Webhooks.WebhookEndpointCatalogue.All.Append(Webhooks.WebhookEndpointCatalogue.Redeliver))
        {
            expected[endpoint.OperationId] = endpoint.Permission;
        }

        foreach (var ingest in Ingestion.IngestEndpoints.All)
        {
            expected[ingest.OperationId] = ingest.Permission;
        }

        var operations = OpenApiDocuments.Operations(document).ToList();

        Assert.Equal(expected.Keys.Order(), operations.Select(o => o.Id).Order());
        foreach (var (id, _, path, operation) in operations)
        {
            Assert.StartsWith("/api/v1/", path, StringComparison.Ordinal);
            Assert.True(operation.TryGetProperty("security", out var security), $"{id} has no security requirement");
            Assert.Contains(security.EnumerateArray(), requirement => requirement.TryGetProperty("ApiKey", out _));
            Assert.True(operation.TryGetProperty("x-required-permission", out var permission), $"{id} has no x-required-permission");
            Assert.Equal(expected[id], permission.GetString());
        }
    }

    [Fact]
    public async Task Operations_match_the_method_and_path_of_the_endpoints_they_describe()
    {
        var document = await DocumentAsync();

        var described = OpenApiDocuments.Operations(document).ToDictionary(o => o.Id, o => (o.Method, o.Path));

        foreach (var endpoint in ApiEndpointCatalogue.All.Concat(ExportEndpoints.All))
        {
            var path = endpoint.Path.Split('?')[0];
            Assert.Equal(endpoint.Method.Method.ToLowerInvariant(), described[endpoint.OperationId].Method);
            Assert.Equal(path, described[endpoint.OperationId].Path);
        }
    }

    // Redirects are not followed: a redirect to the sign-in page must fail here. The one
    // redirect allowed is Scalar's own, from the path to the folder the page lives in.
    [Fact]
    public async Task Api_reference_page_is_served_as_html_to_anonymous_callers()
    {
        var browser = app.CreateClient(new() { AllowAutoRedirect = false });

        using var bare = await browser.GetAsync(ApiDocs.ReferencePath);
        if (bare.StatusCode != HttpStatusCode.OK)
        {
            Assert.True(bare.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.MovedPermanently, $"{ApiDocs.ReferencePath} answered {(int)bare.StatusCode}");
            Assert.Equal($"{ApiDocs.ReferencePath}/", new Uri(bare.RequestMessage!.RequestUri!, bare.Headers.Location!).AbsolutePath);
        }

        using var response = await browser.GetAsync($"{ApiDocs.ReferencePath}/");

        await ApiAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("<title>Memsolus API reference</title>", page, StringComparison.Ordinal);
        Assert.Contains("<script src=\"../api-reference-setup.js\"></script>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Document_is_served_to_anonymous_callers_without_a_redirect()
    {
        using var response = await app.CreateClient(new() { AllowAutoRedirect = false }).GetAsync("/openapi/v1.json");

        await ApiAssert.StatusAsync(response, HttpStatusCode.OK);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var document = await ApiAssert.JsonAsync(response);
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/v1/me", out _));
    }

    [Fact]
    public async Task Me_is_described_with_its_answer_schema()
    {
        var document = await DocumentAsync();

        var answer = document.GetProperty("paths").GetProperty("/api/v1/me").GetProperty("get").GetProperty("responses").GetProperty("200");
        var schema = answer.GetProperty("content").GetProperty("application/json").GetProperty("schema");
        var reference = schema.GetProperty("$ref").GetString()!;
        var properties = document.GetProperty("components").GetProperty("schemas").GetProperty(reference.Split('/')[^1]).GetProperty("properties");
        Assert.Equal(["id", "name", "environment", "permissions", "expiresAt", "quarantined", "withheldPermissions"], properties.EnumerateObject().Select(p => p.Name));
    }

    private Task<JsonElement> DocumentAsync() => OpenApiDocuments.ReadAsync(app);
}
