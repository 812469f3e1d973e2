using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Memsolus.Dashboard.Exports;

// How GET /api/v1/exports/{id}/download appears in the OpenAPI document: the file as binary content
// of either media type (a generated client reads it as a stream), a single byte range (206) with the
// headers that resume a download, and 416 for a range past the end. ExportDownloadEndpoint.Serve is
// what answers; the errors every operation shares come from Api/ApiResponseDocs.
internal static class ExportDownloadDocs
{
    // What the files hold (ExportContentWriter): the API's own memory and knowledge shapes.
    private const string Memory = """{"id":"0f8fad5b-d9cb-469f-a165-70867728950e","content":"The customer prefers email over phone calls.","tags":["crm"],"metadata":{"source":"call"},"createdAt":"2026-03-10T09:30:00+00:00","updatedAt":"2026-03-10T09:30:00+00:00"}""";
    private const string Knowledge = """{"id":"3d1f4a2e-8b6c-4f0e-9a57-2c4d6e8f0a1b","title":"Refund policy","content":"Refunds are possible within 30 days of purchase.","source":"handbook","createdAt":"2026-03-10T09:30:00+00:00","updatedAt":"2026-03-10T09:30:00+00:00"}""";
    private static readonly string JsonFile = $$"""{"memories":[{{Memory}}],"knowledge":[{{Knowledge}}]}""";
    private static readonly string NdjsonFile = $$"""{"type":"memory",{{Memory[1..]}}""" + "\n" + $$"""{"type":"knowledge",{{Knowledge[1..]}}""" + "\n";

    public static Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = "Range",
            In = ParameterLocation.Header,
            Description = "One byte range, such as `bytes=0-1023` or `bytes=1024-`: answered 206 with that part. Several ranges are answered 200 with the whole file.",
            Schema = Text(),
        });
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = "If-Range",
            In = ParameterLocation.Header,
            Description = "The ETag (or Last-Modified date) of the file a range continues: if the file is no longer that one, the answer is 200 with the whole file.",
            Schema = Text(),
        });

        operation.Responses ??= [];
        operation.Responses["200"] = File(
            "The export's file, whole: one JSON document (format `json`) or one JSON object per line (format `ndjson`), saved as the export's fileName.",
            partial: false);
        operation.Responses["206"] = File("One byte range of the export's file, as the Range header asked.", partial: true);
        operation.Responses["416"] = new OpenApiResponse
        {
            Description = "Range not satisfiable: the range starts past the end of the file. Content-Range gives the file's size (`bytes */size`).",
            Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["Content-Range"] = Header("`bytes */size`: the whole file's size in bytes.", "bytes */734003", required: true),
            },
        };
        return Task.CompletedTask;
    }

    private static OpenApiResponse File(string description, bool partial)
    {
        var headers = new Dictionary<string, IOpenApiHeader>
        {
            ["Accept-Ranges"] = Header("Always `bytes`: a download can be resumed with a Range header.", "bytes", required: true),
            ["Content-Length"] = new OpenApiHeader
            {
                Description = partial ? "The bytes in this range." : "The file's size in bytes.",
                Required = true,
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64" },
                Example = partial ? 64 : 734003,
            },
            ["ETag"] = Header("The file's entity tag, for If-Range.", "\"8d9c5e0a1f\"", required: false),
            ["Last-Modified"] = Header("When the export finished, for If-Range.", "Tue, 10 Mar 2026 09:30:04 GMT", required: false),
            ["Content-Disposition"] = Header("attachment, with the export's fileName.", "attachment; filename=memsolus-export-live-20260310-0930.ndjson", required: true),
        };
        if (partial)
        {
            headers["Content-Range"] = Header("The range sent and the file's size: `bytes first-last/size`.", "bytes 0-63/734003", required: true);
        }

        return new OpenApiResponse
        {
            Description = description,
            Headers = headers,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [ExportFiles.ContentTypeFor(ExportFormat.Json)] = new() { Schema = Binary(), Example = partial ? JsonFile[..64] : JsonFile },
                [ExportFiles.ContentTypeFor(ExportFormat.Ndjson)] = new() { Schema = Binary(), Example = partial ? NdjsonFile[..64] : NdjsonFile },
            },
        };
    }

    private static OpenApiHeader Header(string description, string example, bool required) =>
        new() { Description = description, Required = required, Schema = Text(), Example = example };

    private static OpenApiSchema Text() => new() { Type = JsonSchemaType.String };

    private static OpenApiSchema Binary() => new() { Type = JsonSchemaType.String, Format = "binary" };
}
