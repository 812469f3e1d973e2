using System.Text.Json;

namespace Memsolus.Dashboard.Tests.Api;

// The served /openapi/v1.json and its operations, as the document tests read them.
internal static class OpenApiDocuments
{
    // The HTTP methods a path item holds operations under.
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

    public static async Task<JsonElement> ReadAsync(MemsolusAppFactory app)
    {
        using var response = await app.ApiClient(key: null).GetAsync("/openapi/v1.json");
        return await ApiAssert.JsonAsync(response);
    }

    public static IEnumerable<DocumentedOperation> Operations(JsonElement document) =>
        from path in document.GetProperty("paths").EnumerateObject()
        from item in path.Value.EnumerateObject()
        where Methods.Contains(item.Name)
        select new DocumentedOperation(item.Value.GetProperty("operationId").GetString()!, item.Name, path.Name, item.Value);
}

internal sealed record DocumentedOperation(string Id, string Method, string Path, JsonElement Body);
