using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Memsolus.Dashboard.Api;

// The document's one server: Api:PublicUrl without a trailing slash (the paths start with one), or
// the relative "/" that every client resolves against the address it fetched the document from.
// Never the request's Host header (the framework's default), which the caller chooses and which
// would make the document, and the clients generated from it, differ by how the server was reached.
internal sealed class ApiDocumentServer(IOptions<ApiOptions> options) : IOpenApiDocumentTransformer
{
    public const string Relative = "/";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Servers = [new OpenApiServer { Url = UrlOf(options.Value.PublicUrl) }];
        return Task.CompletedTask;
    }

    internal static string UrlOf(Uri? publicUrl) =>
        publicUrl is null ? Relative : publicUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
}
