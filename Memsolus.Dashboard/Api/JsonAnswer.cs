using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Metadata;

namespace Memsolus.Dashboard.Api;

// 200 with a small JSON body, serialized synchronously straight into the response pipe with
// source-generated metadata: no async serializer, no intermediate buffer, one write that Kestrel
// sends with a Content-Length when the request completes. TypedResults.Ok streams instead, which
// costs about two microseconds more per answer (measured: docs/performance.md); for the answers every client asks
// for most, that is most of what the request costs beyond the key check.
internal sealed class JsonAnswer<T>(T value, JsonTypeInfo<T> typeInfo) : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>, IContentTypeHttpResult, IEndpointMetadataProvider
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    public T Value => value;

    object? IValueHttpResult.Value => value;

    public int StatusCode => StatusCodes.Status200OK;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public string ContentType => "application/json; charset=utf-8";

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = ContentType;
        using var writer = new Utf8JsonWriter(response.BodyWriter, WriterOptions);
        JsonSerializer.Serialize(writer, value, typeInfo);
        return Task.CompletedTask;
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
}
