using System.Net;
using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Tests.Exports;

// The export operations of docs/api.md, in the shape of ApiEndpointCatalogue. {id} stands for a
// succeeded export of the caller's.
internal static class ExportEndpoints
{
    public static IReadOnlyList<ApiEndpoint> All { get; } =
    [
        new("ListExports", HttpMethod.Get, "/api/v1/exports", Permissions.ExportRead, HttpStatusCode.OK),
        new("GetExport", HttpMethod.Get, "/api/v1/exports/{id}", Permissions.ExportRead, HttpStatusCode.OK),
        new("DownloadExport", HttpMethod.Get, "/api/v1/exports/{id}/download", Permissions.ExportRead, HttpStatusCode.OK),
        new("CreateExport", HttpMethod.Post, "/api/v1/exports", Permissions.ExportWrite, HttpStatusCode.Accepted, """{"format":"ndjson","include":["memories"]}"""),
    ];

    public static TheoryData<string> OperationIds => new(All.Select(e => e.OperationId));

    public static HttpRequestMessage Request(string operationId, Guid exportId)
    {
        var endpoint = All.Single(e => e.OperationId == operationId);
        // The export id stands where ApiEndpoint.Request puts a memory id.
        return endpoint.Request(exportId, exportId);
    }
}
