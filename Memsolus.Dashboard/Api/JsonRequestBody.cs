using System.Text.Json;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Memsolus.Dashboard.Api;

// The one step every /api/v1 request body passes before its endpoint binds it (ApiMiddleware runs
// it once the key and permission are checked):
// - a body must be UTF-8: a Content-Type naming any other charset is answered 415 (JSON between
//   systems is UTF-8, and the framework's reader would otherwise fail on an unknown charset);
// - a JSON body is read whole (it is at most the endpoint's size limit) and every property name
//   and string in it, at any depth, must be storable text (StorableJson): otherwise 400 naming the
//   field, before anything is stored. A body that is not JSON at all is left to the binding, which
//   answers its own 400.
internal static class JsonRequestBody
{
    // The answer that refuses the body, or null when the endpoint may read it.
    public static async Task<IResult?> RefusalAsync(HttpContext context)
    {
        var request = context.Request;
        if (string.IsNullOrEmpty(request.ContentType) || !MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType))
        {
            return null;
        }

        foreach (var parameter in mediaType.Parameters)
        {
            if (parameter.Name.Equals("charset", StringComparison.OrdinalIgnoreCase) && !IsUtf8(parameter.Value))
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status415UnsupportedMediaType,
                    title: "Unsupported charset",
                    detail: "Send the body as UTF-8: leave the charset out of Content-Type or write charset=utf-8.");
            }
        }

        if (!IsJson(mediaType) || context.GetEndpoint() is null)
        {
            return null;
        }

        var body = new MemoryStream();
        try
        {
            await request.Body.CopyToAsync(body, context.RequestAborted);
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // The same answer the binding gives a body sent without a length that runs past the limit.
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, detail: ApiExtensions.TooLargeDetail(ApiExtensions.MaxRequestBodyBytesFor(context)));
        }

        body.Position = 0;
        request.Body = body;
        context.Response.RegisterForDispose(body);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.GetBuffer().AsMemory(0, (int)body.Length));
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            return StorableJson.FindProblem(document.RootElement, "") is { } problem
                ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { [problem.Field] = [problem.Message] })
                : null;
        }
    }

    // Exactly the name the framework's reader knows: "utf8" or a quoted name would fail in it.
    private static bool IsUtf8(StringSegment charset) => charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase);

    private static bool IsJson(MediaTypeHeaderValue mediaType) =>
        mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        || mediaType.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase);
}
