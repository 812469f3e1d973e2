using System.Net;
using System.Net.Http.Json;
using System.Text;

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
