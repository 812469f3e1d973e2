using System.Net;
using System.Net.Http.Json;
using System.Text;
using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Tests.Ingestion;

// The ingestion operations of docs/api.md, with the permission each requires and what a
// successful call answers. {id} stands for an existing job. OpenApiDocumentTests counts these
// among the operations the app serves.
internal sealed record IngestEndpoint(string OperationId, HttpMethod Method, string Path, string Permission, HttpStatusCode Success)
{
    public HttpRequestMessage Request(Guid jobId) => new(Method, Path.Replace("{id}", jobId.ToString(), StringComparison.Ordinal))
    {
        Content = OperationId switch
        {
            "IngestFiles" => new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes("# Matrix\ntext")), "files", "matrix.md" } },
            "IngestUrl" => JsonContent.Create(new { url = "http://127.0.0.1:9/unreachable" }),
            _ => null,
        },
    };

    public override string ToString() => OperationId;
}

internal static class IngestEndpoints
{
    public static IReadOnlyList<IngestEndpoint> All { get; } =
    [
        new("ListIngestJobs", HttpMethod.Get, "/api/v1/ingest/jobs", Permissions.IngestRead, HttpStatusCode.OK),
        new("GetIngestJob", HttpMethod.Get, "/api/v1/ingest/jobs/{id}", Permissions.IngestRead, HttpStatusCode.OK),
        new("IngestFiles", HttpMethod.Post, "/api/v1/ingest/files", Permissions.IngestWrite, HttpStatusCode.Accepted),
        new("IngestUrl", HttpMethod.Post, "/api/v1/ingest/urls", Permissions.IngestWrite, HttpStatusCode.Accepted),
    ];

    public static IngestEndpoint Named(string operationId) => All.Single(e => e.OperationId == operationId);
}
