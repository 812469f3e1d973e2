using System.Net;
using System.Text;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// One operation of docs/api.md as the permission tables list it: the permission it requires and
// what a successful call answers. {id} stands for an existing resource of the right kind.
internal sealed record ApiEndpoint(string OperationId, HttpMethod Method, string Path, string Permission, HttpStatusCode Success, string? Body = null)
{
    public bool IsKnowledge => Path.StartsWith("/api/v1/knowledge", StringComparison.Ordinal);

    public HttpRequestMessage Request(Guid memoryId, Guid knowledgeId)
    {
        var path = Path.Replace("{id}", (IsKnowledge ? knowledgeId : memoryId).ToString(), StringComparison.Ordinal);
        return new HttpRequestMessage(Method, path)
        {
            Content = Body is null ? null : new StringContent(Body, Encoding.UTF8, "application/json"),
        };
    }

    public override string ToString() => OperationId;
}
