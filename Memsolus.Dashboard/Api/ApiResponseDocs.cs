using System.Globalization;
using System.Text.Json.Nodes;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Verification;
using Memsolus.Dashboard.Data;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Memsolus.Dashboard.Api;

// The answers an /api/v1 operation gives besides its own, declared in the OpenAPI document from what
// ApiMiddleware, the body binding and the endpoint's metadata really do (docs/api.md, "Answers"),
// in one place, so that a new endpoint is described truthfully without saying anything itself:
// - 400 where there is a body or a query; 401 with WWW-Authenticate; 403 naming the permission;
//   404 where the path names a resource; 413 and 415 where there is a body; 429 and 503 with
//   Retry-After everywhere (any key can be rate limited, any key check can meet a database outage);
//   plus each ProblemResponse the endpoint declares (409, 410, or what a shared status also means there);
// - on success, Location on 201 and 202 and the rate-limit headers;
// - the problem schemas as the API writes them: RFC 9457 members plus the extensions it adds.
// A document transformer, so that it sees each operation complete, endpoint transformers included.
internal sealed class ApiResponseDocs : IOpenApiDocumentTransformer
{
    public const string ProblemSchema = "ProblemDetails";
    public const string ValidationProblemSchema = "HttpValidationProblemDetails";
    public const string ProblemJson = "application/problem+json";

    // What OpenApiDocumentService keys an operation's ApiDescription by (OpenApiConstants.DescriptionId).
    private const string DescriptionId = "x-aspnetcore-id";

    private static readonly string[] Codes = ["ip_not_allowed", ApiMiddleware.QuarantinedCode, "rate_limited"];

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ProblemSchema] = ProblemDetailsSchema(validation: false);
        document.Components.Schemas[ValidationProblemSchema] = ProblemDetailsSchema(validation: true);
        document.Components.Headers ??= new Dictionary<string, IOpenApiHeader>();
        foreach (var (name, header) in SharedHeaders())
        {
            document.Components.Headers[name] = header;
        }

        var descriptions = context.DescriptionGroups.SelectMany(g => g.Items).ToDictionary(d => d.ActionDescriptor.Id);
        foreach (var (path, item) in document.Paths)
        {
            foreach (var operation in item.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>())
            {
                var description = operation.Metadata?.TryGetValue(DescriptionId, out var id) == true && id is string key ? descriptions[key] : null;
                Describe(document, path, operation, description);
            }
        }

        return Task.CompletedTask;
    }

    private static void Describe(OpenApiDocument document, string path, OpenApiOperation operation, ApiDescription? description)
    {
        var metadata = description?.ActionDescriptor.EndpointMetadata ?? [];
        var permission = metadata.OfType<RequiredPermission>().FirstOrDefault()?.Name;
        var takesBody = operation.RequestBody is not null;
        var takesQuery = operation.Parameters?.Any(p => p.In == ParameterLocation.Query) == true;
        var responses = operation.Responses ??= [];

        foreach (var (status, response) in responses.Where(r => r.Key.StartsWith('2')))
        {
            if (response is OpenApiResponse success)
            {
                success.Headers ??= new Dictionary<string, IOpenApiHeader>();
                if (status is "201" or "202")
                {
                    success.Headers[HeaderNames.Location] = new OpenApiHeaderReference(HeaderNames.Location, document);
                }

                success.Headers[HeaderNames.RateLimitPolicy] = new OpenApiHeaderReference(HeaderNames.RateLimitPolicy, document);
                success.Headers[HeaderNames.RateLimit] = new OpenApiHeaderReference(HeaderNames.RateLimit, document);
            }
        }

        if (takesBody || takesQuery)
        {
            responses["400"] = Problem(document, ValidationProblemSchema,
                "Bad request: a parameter or body field is invalid (`errors` names each, by its camelCase name or path: `content`, `tags[1]`, " +
                "`metadata.foo`), or the body is not JSON of the documented shape. Nothing is written.",
                Examples.BadRequest);
        }

        responses["401"] = Problem(document, ProblemSchema,
            "Unauthorized: no `X-Api-Key` header, several, or a key that is malformed, unknown, revoked or expired, or whose account " +
            "is disabled (one answer for every reason).",
            Examples.Unauthorized, HeaderNames.WwwAuthenticate);

        responses["403"] = Problem(document, ProblemSchema, ForbiddenDescription(permission), Examples.Forbidden(permission));

        if (path.Contains('{', StringComparison.Ordinal))
        {
            responses["404"] = Problem(document, ProblemSchema,
                "Not found: nothing with that id for the calling key's account and environment (another account's id is not found either).",
                Examples.NotFound);
        }

        if (takesBody)
        {
            var maxBytes = metadata.OfType<IRequestSizeLimitMetadata>().FirstOrDefault()?.MaxRequestBodySize ?? ApiExtensions.MaxRequestBodyBytes;
            responses["413"] = Problem(document, ProblemSchema, $"Payload too large: {ApiExtensions.TooLargeDetail(maxBytes)}", Examples.TooLarge(maxBytes));
            var mediaTypes = string.Join(" or ", operation.RequestBody!.Content?.Keys.Select(k => $"`{k}`") ?? []);
            responses["415"] = Problem(document, ProblemSchema,
                $"Unsupported media type: the body is not {mediaTypes}, or its Content-Type names a charset other than utf-8.",
                Examples.UnsupportedMediaType);
        }

        responses["429"] = Problem(document, ProblemSchema,
            "Too many requests: the key's requests per minute are used up (`\"code\": \"rate_limited\"`, with the RateLimit headers), " +
            "or too many failed key checks came from the client's address. Retry-After says when to try again.",
            Examples.TooManyRequests, HeaderNames.RetryAfter, HeaderNames.RateLimitPolicy, HeaderNames.RateLimit);

        responses["503"] = Problem(document, ProblemSchema,
            $"Service unavailable: the database cannot be reached right now; try again after Retry-After seconds ({DatabaseOutage.RetryAfterSeconds}).",
            Examples.ServiceUnavailable, HeaderNames.RetryAfter);

        foreach (var specific in metadata.OfType<ProblemResponse>())
        {
            var status = specific.StatusCode.ToString(CultureInfo.InvariantCulture);
            if (responses.TryGetValue(status, out var shared) && shared is OpenApiResponse known && known.Content?.ContainsKey(ProblemJson) == true)
            {
                known.Description = $"{known.Description} Here also: {specific.Description}";
            }
            else
            {
                responses[status] = Problem(document, ProblemSchema, specific.Description, Examples.Specific(specific));
            }
        }

        var ordered = responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        responses.Clear();
        foreach (var (status, response) in ordered)
        {
            responses[status] = response;
        }
    }

    private static string ForbiddenDescription(string? permission)
    {
        var elsewhere = "the key may not be used from the client's address (`\"code\": \"ip_not_allowed\"`, with `clientAddress`); " +
            "or the request came over plain HTTP where the API requires HTTPS.";
        if (permission is null)
        {
            return $"Forbidden: {elsewhere}";
        }

        var quarantine = Permissions.IsRead(permission)
            ? ""
            : $" or the key is quarantined and withholds `{permission}` (`\"code\": \"{ApiMiddleware.QuarantinedCode}\"`);";
        return $"Forbidden: the key lacks the `{permission}` permission (`requiredPermission` names it);{quarantine} {elsewhere}";
    }

    private static OpenApiResponse Problem(OpenApiDocument document, string schema, string description, JsonNode example, params string[] headers) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            [ProblemJson] = new() { Schema = new OpenApiSchemaReference(schema, document), Example = example },
        },
        Headers = headers.Length == 0
            ? null
            : headers.ToDictionary(h => h, IOpenApiHeader (h) => new OpenApiHeaderReference(h, document)),
    };

    private static OpenApiSchema ProblemDetailsSchema(bool validation)
    {
        var text = new OpenApiSchema { Type = JsonSchemaType.String };
        var properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A URI naming the kind of problem (RFC 9110's section for the status), absent for some statuses." },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A short summary of the kind of problem." },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status code." },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What went wrong with this request, and what to do about it." },
            ["instance"] = text,
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request's trace id, for support." },
            ["code"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "Which refusal this is, where a status has several: `ip_not_allowed` and `key_quarantined` (403), `rate_limited` (429).",
                Enum = [.. Codes.Select(c => (JsonNode)JsonValue.Create(c))],
            },
            ["clientAddress"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "With `ip_not_allowed`: the address the request came from, as the API saw it." },
            ["requiredPermission"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "With a 403 for a missing or withheld permission: the permission the operation needs.",
                Enum = [.. Permissions.All.Select(p => (JsonNode)JsonValue.Create(p.Name))],
            },
        };
        if (validation)
        {
            properties["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "The invalid fields, by camelCase name or path (`tags[1]`, `metadata.foo`), each with its messages.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = text },
            };
        }

        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = validation
                ? "An RFC 9457 problem (application/problem+json) that names the invalid fields in `errors`, when the request had any."
                : "An RFC 9457 problem (application/problem+json); `code` says which refusal it is where a status has several.",
            Required = new HashSet<string> { "status" },
            Properties = properties,
        };
    }

    private static IEnumerable<(string Name, OpenApiHeader Header)> SharedHeaders()
    {
        var text = new OpenApiSchema { Type = JsonSchemaType.String };
        yield return (HeaderNames.WwwAuthenticate, new OpenApiHeader
        {
            Description = "How to authenticate: an API key in the X-Api-Key header.",
            Required = true,
            Schema = text,
            Example = JsonValue.Create(ApiKeyHeader.WwwAuthenticate),
        });
        yield return (HeaderNames.RetryAfter, new OpenApiHeader
        {
            Description = "Seconds to wait before trying again.",
            Required = true,
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
            Example = JsonValue.Create(30),
        });
        yield return (HeaderNames.RateLimitPolicy, new OpenApiHeader
        {
            Description = "Sent when the key has a requests-per-minute limit (a key without one gets none): `q` requests per `w` = 60 seconds " +
                "(draft-ietf-httpapi-ratelimit-headers).",
            Schema = text,
            Example = JsonValue.Create("\"per-key\";q=100;w=60"),
        });
        yield return (HeaderNames.RateLimit, new OpenApiHeader
        {
            Description = "Sent with RateLimit-Policy: `r` whole requests the key may make now, `t` seconds until its budget is full again.",
            Schema = text,
            Example = JsonValue.Create("\"per-key\";r=37;t=38"),
        });
        yield return (HeaderNames.Location, new OpenApiHeader
        {
            Description = "Where the created resource or queued job is read (for a webhook test or redelivery: the webhook's deliveries).",
            Required = true,
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference" },
            Example = JsonValue.Create($"{ApiExtensions.BasePath}/memories/{ApiExamples.MemoryId}"),
        });
    }

    private static class HeaderNames
    {
        public const string WwwAuthenticate = "WWW-Authenticate";
        public const string RetryAfter = "Retry-After";
        public const string RateLimitPolicy = "RateLimit-Policy";
        public const string RateLimit = "RateLimit";
        public const string Location = "Location";
    }

    // Bodies as the API writes them, trace ids aside.
    private static class Examples
    {
        private const string TraceId = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";

        public static JsonNode BadRequest => new JsonObject
        {
            ["type"] = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            ["title"] = "One or more validation errors occurred.",
            ["status"] = 400,
            ["errors"] = new JsonObject { ["content"] = new JsonArray("content is required.") },
            ["traceId"] = TraceId,
        };

        public static JsonNode Unauthorized => Make(401, "https://tools.ietf.org/html/rfc9110#section-15.5.2", "Unauthorized",
            $"Send a valid, active API key in the {ApiKeyHeader.Name} header.");

        public static JsonNode NotFound => Make(404, "https://tools.ietf.org/html/rfc9110#section-15.5.5", "Not found", "No memory with that id.");

        public static JsonNode UnsupportedMediaType => Make(415, "https://tools.ietf.org/html/rfc9110#section-15.5.16", "Unsupported charset",
            "Send the body as UTF-8: leave the charset out of Content-Type or write charset=utf-8.");

        public static JsonNode TooManyRequests
        {
            get
            {
                var problem = Make(429, null, "Too many requests", "This API key is limited to 100 requests per minute. Try again in 1 s.");
                problem["code"] = "rate_limited";
                return problem;
            }
        }

        public static JsonNode ServiceUnavailable => Make(503, "https://tools.ietf.org/html/rfc9110#section-15.6.4", DatabaseOutage.Title,
            $"The database cannot be reached right now. Try again in {DatabaseOutage.RetryAfterSeconds} seconds.");

        public static JsonNode TooLarge(long maxBytes) => Make(413, null, null, ApiExtensions.TooLargeDetail(maxBytes));

        public static JsonNode Forbidden(string? permission)
        {
            if (permission is null)
            {
                var problem = Make(403, "https://tools.ietf.org/html/rfc9110#section-15.5.4", "Forbidden",
                    "This API key may not be used from 203.0.113.7. If this address is yours, its owner can add it under \"Allowed IP addresses\" " +
                    "in the key's settings (Settings → API Keys → Edit).");
                problem["code"] = "ip_not_allowed";
                problem["clientAddress"] = "203.0.113.7";
                return problem;
            }

            var lacks = Make(403, "https://tools.ietf.org/html/rfc9110#section-15.5.4", "Forbidden", $"This API key lacks the {permission} permission.");
            lacks["requiredPermission"] = permission;
            return lacks;
        }

        public static JsonNode Specific(ProblemResponse response) => Make(response.StatusCode, null, null, response.Description);

        private static JsonObject Make(int status, string? type, string? title, string detail)
        {
            var problem = new JsonObject();
            if (type is not null)
            {
                problem["type"] = type;
            }

            if (title is not null)
            {
                problem["title"] = title;
            }

            problem["status"] = status;
            problem["detail"] = detail;
            problem["traceId"] = TraceId;
            return problem;
        }
    }
}
