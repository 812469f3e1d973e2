using System.Text.Json;
using Memsolus.Dashboard.Api;

namespace Memsolus.Dashboard.Tests.Api;

// docs/api.md, "The OpenAPI document": every answer the API can give is in the document. Walks the
// whole document the app serves: the shared problem answers (with the headers that go with them) on
// every operation that can give them, Location on 201 and 202, an example on every operation, the
// download's binary content and ranges, and one server URL that does not come from the request.
public sealed class OpenApiResponseTests(MemsolusAppFactory app) : IClassFixture<MemsolusAppFactory>
{
    [Fact]
    public async Task Every_operation_declares_401_with_WWW_Authenticate_403_429_and_503_with_Retry_After()
    {
        foreach (var operation in OpenApiDocuments.Operations(await DocumentAsync()))
        {
            AssertProblem(operation, "401", "WWW-Authenticate");
            AssertProblem(operation, "403");
            AssertProblem(operation, "429", "Retry-After", "RateLimit-Policy", "RateLimit");
            AssertProblem(operation, "503", "Retry-After");
        }
    }

    [Fact]
    public async Task Shared_headers_say_when_they_are_always_sent()
    {
        var headers = (await DocumentAsync()).GetProperty("components").GetProperty("headers");

        Assert.True(headers.GetProperty("WWW-Authenticate").GetProperty("required").GetBoolean());
        Assert.True(headers.GetProperty("Retry-After").GetProperty("required").GetBoolean());
        Assert.Equal("integer", headers.GetProperty("Retry-After").GetProperty("schema").GetProperty("type").GetString());
        Assert.True(headers.GetProperty("Location").GetProperty("required").GetBoolean());
        // Only a key with a requests-per-minute limit gets them.
        Assert.False(headers.GetProperty("RateLimit").TryGetProperty("required", out var required) && required.GetBoolean());
    }

    [Fact]
    public async Task Every_403_names_the_permission_of_its_operation()
    {
        foreach (var operation in OpenApiDocuments.Operations(await DocumentAsync()))
        {
            var permission = operation.Body.GetProperty("x-required-permission").GetString();
            var description = operation.Body.GetProperty("responses").GetProperty("403").GetProperty("description").GetString()!;
            if (permission != "any")
            {
                Assert.Contains($"`{permission}`", description, StringComparison.Ordinal);
            }

            Assert.Contains("ip_not_allowed", description, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Every_operation_with_an_id_in_its_path_declares_404()
    {
        var withId = OpenApiDocuments.Operations(await DocumentAsync()).Where(o => o.Path.Contains("{id}", StringComparison.Ordinal)).ToList();

        Assert.True(withId.Count >= 13, $"Only {withId.Count} operations with an id");
        foreach (var operation in withId)
        {
            AssertProblem(operation, "404");
        }
    }

    [Fact]
    public async Task Every_operation_with_a_body_declares_400_413_and_415_and_every_one_with_a_query_400()
    {
        var operations = OpenApiDocuments.Operations(await DocumentAsync()).ToList();
        var withBody = operations.Where(o => o.Body.TryGetProperty("requestBody", out _)).ToList();

        Assert.Equal(10, withBody.Count);
        foreach (var operation in withBody)
        {
            AssertProblem(operation, "400");
            AssertProblem(operation, "413");
            AssertProblem(operation, "415");
        }

        foreach (var operation in operations.Where(o => o.Body.TryGetProperty("parameters", out var parameters)
            && parameters.EnumerateArray().Any(p => p.GetProperty("in").GetString() == "query")))
        {
            AssertProblem(operation, "400");
            var schema = operation.Body.GetProperty("responses").GetProperty("400").GetProperty("content").GetProperty(ApiResponseDocs.ProblemJson).GetProperty("schema");
            Assert.EndsWith("/HttpValidationProblemDetails", schema.GetProperty("$ref").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Conflicts_are_declared_where_the_handlers_answer_them()
    {
        var operations = OpenApiDocuments.Operations(await DocumentAsync()).ToDictionary(o => o.Id);

        AssertProblem(operations["CreateWebhook"], "409");
        AssertProblem(operations["RedeliverWebhookDelivery"], "409");
        AssertProblem(operations["DownloadExport"], "409");
        AssertProblem(operations["DownloadExport"], "410");
        Assert.Contains("queued or running", Response(operations["CreateExport"], "429").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_201_and_202_declares_Location()
    {
        var created = 0;
        foreach (var operation in OpenApiDocuments.Operations(await DocumentAsync()))
        {
            foreach (var status in new[] { "201", "202" })
            {
                if (operation.Body.GetProperty("responses").TryGetProperty(status, out var response))
                {
                    created++;
                    Assert.True(response.TryGetProperty("headers", out var headers) && headers.TryGetProperty("Location", out _), $"{operation.Id} {status} declares no Location");
                }
            }
        }

        Assert.Equal(8, created);
    }

    [Fact]
    public async Task Every_operation_has_an_example_and_every_json_answer_and_body_one_too()
    {
        foreach (var operation in OpenApiDocuments.Operations(await DocumentAsync()))
        {
            var media = operation.Body.GetProperty("responses").EnumerateObject()
                .Where(r => r.Value.TryGetProperty("content", out _))
                .SelectMany(r => r.Value.GetProperty("content").EnumerateObject().Select(m => (Status: r.Name, Type: m.Name, m.Value)))
                .ToList();
            foreach (var (status, type, value) in media.Where(m => m.Type.EndsWith("json", StringComparison.Ordinal)))
            {
                Assert.True(value.TryGetProperty("example", out _), $"{operation.Id} {status} {type} has no example");
            }

            if (operation.Body.TryGetProperty("requestBody", out var body) && body.GetProperty("content").TryGetProperty("application/json", out var json))
            {
                Assert.True(json.TryGetProperty("example", out _), $"{operation.Id}'s body has no example");
            }
        }
    }

    [Fact]
    public async Task Examples_show_keys_only_in_their_display_form()
    {
        var text = (await DocumentAsync()).GetRawText();

        Assert.DoesNotMatch(@"msk_(live|test)_[0-9A-Za-z]{42}", text);
        Assert.Contains("msk_live_AbCd…wXyZ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_download_declares_its_file_as_binary_json_or_ndjson_with_ranges()
    {
        var download = OpenApiDocuments.Operations(await DocumentAsync()).Single(o => o.Id == "DownloadExport");

        foreach (var status in new[] { "200", "206" })
        {
            var response = Response(download, status);
            foreach (var type in new[] { "application/json", "application/x-ndjson" })
            {
                var schema = response.GetProperty("content").GetProperty(type).GetProperty("schema");
                Assert.Equal("string", schema.GetProperty("type").GetString());
                Assert.Equal("binary", schema.GetProperty("format").GetString());
            }

            Assert.True(response.GetProperty("headers").TryGetProperty("Accept-Ranges", out _));
            Assert.True(response.GetProperty("headers").TryGetProperty("Content-Length", out _));
        }

        Assert.True(Response(download, "206").GetProperty("headers").GetProperty("Content-Range").GetProperty("required").GetBoolean());
        Assert.True(Response(download, "416").GetProperty("headers").GetProperty("Content-Range").GetProperty("required").GetBoolean());
        Assert.Contains(download.Body.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "Range" && p.GetProperty("in").GetString() == "header");
    }

    [Fact]
    public async Task Problem_schemas_declare_every_member_the_api_writes()
    {
        var schemas = (await DocumentAsync()).GetProperty("components").GetProperty("schemas");

        var problem = schemas.GetProperty(ApiResponseDocs.ProblemSchema).GetProperty("properties");
        Assert.Equal(["type", "title", "status", "detail", "instance", "traceId", "code", "clientAddress", "requiredPermission"], problem.EnumerateObject().Select(p => p.Name));
        Assert.Equal("integer", problem.GetProperty("status").GetProperty("type").GetString());
        Assert.Equal(["ip_not_allowed", "key_quarantined", "rate_limited"], problem.GetProperty("code").GetProperty("enum").EnumerateArray().Select(c => c.GetString()));
        var errors = schemas.GetProperty(ApiResponseDocs.ValidationProblemSchema).GetProperty("properties").GetProperty("errors");
        Assert.Equal("array", errors.GetProperty("additionalProperties").GetProperty("type").GetString());
    }

    [Fact]
    public async Task The_server_url_is_relative_and_the_document_the_same_whatever_the_Host_header()
    {
        var one = app.ApiClient(key: null);
        one.DefaultRequestHeaders.Host = "memsolus.example.com";
        var other = app.ApiClient(key: null);
        other.DefaultRequestHeaders.Host = "attacker.example:8443";

        var first = await one.GetStringAsync("/openapi/v1.json");
        var second = await other.GetStringAsync("/openapi/v1.json");

        Assert.Equal(first, second);
        var server = Assert.Single(JsonDocument.Parse(first).RootElement.GetProperty("servers").EnumerateArray());
        Assert.Equal("/", server.GetProperty("url").GetString());
    }

    [Theory]
    [InlineData("https://memsolus.example.com", "https://memsolus.example.com")]
    [InlineData("https://memsolus.example.com/", "https://memsolus.example.com")]
    [InlineData("https://example.com/memsolus/", "https://example.com/memsolus")]
    public async Task The_server_url_is_Api_PublicUrl_without_a_trailing_slash(string configured, string expected)
    {
        await using var configuredApp = new MemsolusAppFactory(new TestHostOptions().With(new Dictionary<string, string?> { ["Api:PublicUrl"] = configured }));

        var document = await ApiAssert.JsonAsync(await configuredApp.ApiClient(key: null).GetAsync("/openapi/v1.json"));

        Assert.Equal(expected, Assert.Single(document.GetProperty("servers").EnumerateArray()).GetProperty("url").GetString());
    }

    [Theory]
    [InlineData("memsolus.example.com")]
    [InlineData("ftp://memsolus.example.com")]
    [InlineData("https://memsolus.example.com/?x=1")]
    public async Task A_public_url_that_is_not_an_http_address_stops_start_up_naming_the_setting(string configured)
    {
        var failure = await StartupFailure.OfAsync(() => new MemsolusAppFactory(new TestHostOptions().With(new Dictionary<string, string?> { ["Api:PublicUrl"] = configured })));

        Assert.IsType<Microsoft.Extensions.Options.OptionsValidationException>(failure);
        Assert.Contains("Api:PublicUrl", failure.Message, StringComparison.Ordinal);
    }

    private static JsonElement Response(DocumentedOperation operation, string status) => operation.Body.GetProperty("responses").GetProperty(status);

    private static void AssertProblem(DocumentedOperation operation, string status, params string[] headers)
    {
        Assert.True(operation.Body.GetProperty("responses").TryGetProperty(status, out var response), $"{operation.Id} does not declare {status}");
        Assert.True(response.GetProperty("content").TryGetProperty(ApiResponseDocs.ProblemJson, out _), $"{operation.Id} {status} is not problem+json");
        foreach (var header in headers)
        {
            Assert.True(response.TryGetProperty("headers", out var declared) && declared.TryGetProperty(header, out _), $"{operation.Id} {status} does not declare {header}");
        }
    }

    private Task<JsonElement> DocumentAsync() => OpenApiDocuments.ReadAsync(app);
}
