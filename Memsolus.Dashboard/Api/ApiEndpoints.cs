using System.Security.Claims;
using Memsolus.Dashboard.ApiKeys;
using Memsolus.Dashboard.ApiKeys.Authentication;
using Memsolus.Dashboard.Exports;
using Memsolus.Dashboard.Ingestion;
using Memsolus.Dashboard.Knowledge;
using Memsolus.Dashboard.Memories;
using Memsolus.Dashboard.Outbound;
using Memsolus.Dashboard.Usage;
using Memsolus.Dashboard.Webhooks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Memsolus.Dashboard.Api;

// The permission an endpoint requires, for its policy and for the OpenAPI document.
public sealed record RequiredPermission(string Name);

public sealed record MeDto(Guid Id, string Name, string Environment, IReadOnlyList<string> Permissions, DateTimeOffset? ExpiresAt);

internal static class ApiResults
{
    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No {what} with that id.");
}

internal static class ApiEndpoints
{
    public const string BasePath = "/api/v1";

    // Bodies larger than this are refused with 413 before they are read.
    public const long MaxRequestBodyBytes = 1024 * 1024;

    public static WebApplicationBuilder AddApi(this WebApplicationBuilder builder)
    {
        // A body that is not JSON is answered 400 problem+json in every environment, never with
        // the developer exception page and its stack trace.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = false);
        builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default));
        builder.AddOutboundHttp();
        builder.AddWebhooks();
        builder.Services.TryAddSingleton<IWebhookEvents, NoWebhookEvents>();
        builder.Services.AddSingleton<MemoryStore>();
        builder.Services.AddSingleton<KnowledgeStore>();
        builder.AddExports();
        builder.AddIngestion();
        builder.AddApiDocs();
        builder.AddUsage();
        return builder;
    }

    // ApiMiddleware refuses a key without this permission (403) before the endpoint runs.
    public static RouteHandlerBuilder RequirePermission(this RouteHandlerBuilder endpoint, string permission) =>
        endpoint.WithMetadata(new RequiredPermission(permission))
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

    // Every API request is authenticated by its key and authorised by its endpoint's permission;
    // every error from the API is problem+json: no HTML error page, no redirect to sign-in.
    public static WebApplication UseApi(this WebApplication app)
    {
        app.UseMiddleware<ApiMiddleware>();
        return app;
    }

    // An endpoint that takes larger bodies (file uploads) says so with IRequestSizeLimitMetadata;
    // routing has already chosen the endpoint when the API middleware runs.
    internal static long MaxRequestBodyBytesFor(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? MaxRequestBodyBytes;

    internal static string TooLargeDetail(long maxBytes) => $"Request bodies may be at most {maxBytes / 1024} KB.";

    public static WebApplication MapApi(this WebApplication app)
    {
        // Authorised by API keys alone, in ApiMiddleware: a dashboard cookie never opens an API call.
        var api = app.MapGroup(BasePath)
            .DisableAntiforgery();

        // The verified key itself (set by ApiKeyAuthenticator), not its claims: nothing to parse.
        api.MapGet("/me", (HttpContext http) =>
            {
                var key = http.Features.GetRequiredFeature<VerifiedApiKey>();
                return new JsonAnswer<MeDto>(new MeDto(key.Id, key.Name, key.Environment.Name(), key.Permissions, key.ExpiresAt), ApiJsonContext.Default.MeDto);
            })
            .WithTags("Keys")
            .WithName("GetMe").WithSummary("The calling API key: id, name, environment, permissions and expiry")
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        api.MapMemories();
        api.MapKnowledge();
        api.MapWebhooks();
        api.MapExports();
        api.MapUsage();
        api.MapIngestion();
        return app;
    }
}
