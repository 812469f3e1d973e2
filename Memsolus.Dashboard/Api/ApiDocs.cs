using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Verification;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Memsolus.Dashboard.Api;

// /openapi/v1.json describes the API with the ApiKey security scheme and, per operation, the
// permission it needs; /api-reference renders it (Scalar, served from this app, no CDN).
internal static class ApiDocs
{
    public const string ReferencePath = "/api-reference";

    // One line per group of operations, for the reference's sidebar and generated clients' docs; a
    // group without one fails Redocly's lint (RedoclyLintTests).
    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Keys"] = "The key making the request: its environment, permissions and state.",
        ["Memories"] = "Short pieces of text an agent remembers, with tags and metadata; listed, searched, changed and deleted.",
        ["Knowledge"] = "Longer reference entries with a title and a source.",
        ["Webhooks"] = "Endpoints that receive signed events, their secrets, test events and delivery history.",
        ["Exports"] = "Files of an environment's memories and knowledge, made in the background and downloaded in ranges.",
        ["Ingestion"] = "Imports of memories and knowledge from uploaded files or a URL, run in the background.",
        ["Dashboard"] = "Request counts per key and day, and the alerts the dashboard shows.",
    };

    public static WebApplicationBuilder AddApiDocs(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi("v1", options =>
        {
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/v1", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Memsolus API";
                document.Info.Version = "v1";
                document.Info.Description =
                    "Memory for AI agents. Authenticate every request with an API key in the X-Api-Key header; " +
                    "create keys in the dashboard under Settings → API Keys. A key without the permission an " +
                    "operation needs receives 403 Forbidden; a key restricted to allowed IP addresses receives 403 with " +
                    "\"code\": \"ip_not_allowed\" and the address seen (\"clientAddress\") from anywhere else.";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[ApiKeyHeader.Scheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = ApiKeyHeader.Name,
                    Description = "An API key: msk_live_… for live data, msk_test_… for test data.",
                };
                foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
                {
                    tag.Description = TagDescriptions.GetValueOrDefault(tag.Name ?? "");
                }

                return Task.CompletedTask;
            });
            options.AddSchemaTransformer(OpenApiSchemas.TransformSchemaAsync);
            options.AddOperationTransformer(OpenApiSchemas.TransformOperationAsync);
            options.AddOperationTransformer((operation, context, _) =>
            {
                var permission = context.Description.ActionDescriptor.EndpointMetadata.OfType<RequiredPermission>().FirstOrDefault()?.Name;
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement
                {
                    [new OpenApiSecuritySchemeReference(ApiKeyHeader.Scheme, context.Document)] = [],
                });
                var needs = permission is null
                    ? "Any valid API key."
                    : $"Requires the `{permission}` permission ({Permissions.All.Single(p => p.Name == permission).Description})."
                        + (Permissions.IsRead(permission) ? "" : $" A quarantined key holding it is refused with 403 and `\"code\": \"{ApiMiddleware.QuarantinedCode}\"`.");
                operation.Description = string.IsNullOrEmpty(operation.Description) ? needs : $"{operation.Description}\n\n{needs}";
                operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
                operation.Extensions["x-required-permission"] = new JsonNodeExtension(System.Text.Json.Nodes.JsonValue.Create(permission ?? "any"));
                return Task.CompletedTask;
            });
            // Server URL, shared answers, examples: each runs on the finished operations.
            options.AddDocumentTransformer<ApiDocumentServer>();
            options.AddDocumentTransformer<ApiResponseDocs>();
            options.AddDocumentTransformer<ApiExamples>();
        });
        return builder;
    }

    public static WebApplication MapApiDocs(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference(ReferencePath, options =>
        {
            options.Title = "Memsolus API reference";
            options.DefaultFonts = false;
            options.Telemetry = false;
            // Nothing that calls out to Scalar's hosted services: the reference works offline.
            options.ShowDeveloperTools = DeveloperToolsVisibility.Never;
            options.Agent = new ScalarAgentOptions { Disabled = true };
            options.AddPreferredSecuritySchemes(ApiKeyHeader.Scheme);
            // The page starts Scalar with one inline script: a fresh nonce per request, which
            // Hosting/SecurityHeaders allows in that response's script-src, and nothing else inline.
            options.WithNonce();
            // Before Scalar's own scripts, from this origin (so no nonce needed): turns off a probe
            // for eval in the bundled Zod that the policy would refuse (wwwroot/api-reference-setup.js).
            // Relative, since the page is {ReferencePath}/ and the app may run under a path base.
            options.HeadContent = "<script src=\"../api-reference-setup.js\"></script>";
        }).AllowAnonymous();
        return app;
    }
}
