using System.Text.Json.Nodes;

namespace Memsolus.Dashboard.Tests.Api;

// docs/testing.md, "The committed OpenAPI document": docs/openapi/v1.json, which clients are generated
// from, is the document the app serves. The build writes it; CI builds without writing it, so a
// change to the API that was committed without its document fails here. Compared as JSON (parsed
// and compared node by node), so line endings and indentation do not count.
public sealed class OpenApiCommittedDocumentTests(MemsolusAppFactory app) : IClassFixture<MemsolusAppFactory>
{
    public const string UpdateCommand = "dotnet build Memsolus.Dashboard -t:UpdateOpenApiDocument";

    [Fact]
    public async Task The_committed_document_is_the_one_the_app_serves()
    {
        var path = Path.Combine(TestMachine.RepositoryRoot, "docs", "openapi", "v1.json");
        Assert.True(File.Exists(path), $"{path} is missing. Write it with: {UpdateCommand}");

        var committed = JsonNode.Parse(await File.ReadAllTextAsync(path));
        var served = JsonNode.Parse(await app.ApiClient(key: null).GetStringAsync("/openapi/v1.json"));

        if (FirstDifference(committed, served, "") is { } where)
        {
            Assert.Fail($"docs/openapi/v1.json is not the document the app serves (first difference at {where}). " +
                $"Update it with `{UpdateCommand}` and commit docs/openapi/v1.json.");
        }
    }

    // A JSON pointer to the first place the two differ, or null when they are equal.
    internal static string? FirstDifference(JsonNode? expected, JsonNode? actual, string pointer)
    {
        switch (expected, actual)
        {
            case (JsonObject e, JsonObject a):
                foreach (var name in e.Select(p => p.Key).Union(a.Select(p => p.Key)))
                {
                    if (!e.ContainsKey(name) || !a.ContainsKey(name))
                    {
                        return $"{pointer}/{name}";
                    }

                    if (FirstDifference(e[name], a[name], $"{pointer}/{name}") is { } inside)
                    {
                        return inside;
                    }
                }

                return null;
            case (JsonArray e, JsonArray a):
                for (var i = 0; i < Math.Max(e.Count, a.Count); i++)
                {
                    if (i >= e.Count || i >= a.Count)
                    {
                        return $"{pointer}/{i}";
                    }

                    if (FirstDifference(e[i], a[i], $"{pointer}/{i}") is { } inside)
                    {
                        return inside;
                    }
                }

                return null;
            default:
                return JsonNode.DeepEquals(expected, actual) ? null : (pointer.Length == 0 ? "/" : pointer);
        }
    }
}
