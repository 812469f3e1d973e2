using System.Text.Json.Serialization;
using Memsolus.Dashboard.Hosting;
using Microsoft.AspNetCore.Http.Metadata;

namespace Memsolus.Dashboard.Api;

// The /api/v1 group every feature maps its endpoints into, and the one middleware that checks
// each request's key and permission before an endpoint runs.
internal static class ApiExtensions
{
    public const string BasePath = "/api/v1";

    // Bodies larger than this are refused with 413 before they are read.
    public const long MaxRequestBodyBytes = 1024 * 1024;

    public static WebApplicationBuilder AddApi(this WebApplicationBuilder builder)
    {
        // A body that is not JSON is answered 400 problem+json in every environment, never with
        // the developer exception page and its stack trace.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = false);
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);

            // A number is read only from a JSON number ("5" for a whole number is a 400, not 5),
            // and the document then types every number as a number, not "integer or string".
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        builder.Services.AddProblemDetails();
        builder.AddApiDocs();
        builder.Services.AddTransient<IStartupFilter, ApiPermissionCheck>();
        builder.Services.AddValidatedOptions<ApiOptions>(ApiOptions.SectionName)
            .PostConfigure<IHostEnvironment>((api, environment) => api.RequireHttps ??= !environment.IsDevelopment());
        return builder;
    }

    // Every API request is authenticated by its key and authorised by its endpoint's permission;
    // every error from the API is problem+json: no HTML error page, no redirect to sign-in.
    public static WebApplication UseApi(this WebApplication app)
    {
        app.UseMiddleware<ApiMiddleware>();
        return app;
    }

    // The group each feature's Map<Feature>() adds to, plus the OpenAPI document and reference.
    public static RouteGroupBuilder MapApi(this WebApplication app)
    {
        app.MapApiDocs();

        // Authorised by API keys alone, in ApiMiddleware: a dashboard cookie never opens an API call.
        return app.MapGroup(BasePath)
            .DisableAntiforgery();
    }

    // ApiMiddleware refuses a key without this permission (403) before the endpoint runs.
    public static RouteHandlerBuilder RequirePermission(this RouteHandlerBuilder endpoint, string permission) =>
        endpoint.WithMetadata(new RequiredPermission(permission))
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

    // For an endpoint every valid key may call (GET /me): said explicitly, since an endpoint that
    // says nothing stops the app from starting (ApiPermissionCheck).
    public static RouteHandlerBuilder RequireAnyValidKey(this RouteHandlerBuilder endpoint) =>
        endpoint.WithMetadata(RequiredPermission.AnyValidKey)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

    // An endpoint that takes larger bodies (file uploads) says so with IRequestSizeLimitMetadata;
    // routing has already chosen the endpoint when the API middleware runs.
    internal static long MaxRequestBodyBytesFor(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? MaxRequestBodyBytes;

    internal static string TooLargeDetail(long maxBytes) => $"Request bodies may be at most {maxBytes / 1024} KB.";
}
