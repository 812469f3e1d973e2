using System.Text.Json;
using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Memsolus.Dashboard.Exports;

internal static class ExportsApi
{
    private const string PendingRetryAfterSeconds = "10";

    public static RouteGroupBuilder MapExports(this RouteGroupBuilder api)
    {
        var exports = api.MapGroup("/exports").WithTags("Exports");

        exports.MapGet("/", async Task<Results<Ok<Page<ExportDto>>, ValidationProblem>> (string? limit, string? cursor, HttpContext http, ExportStore store) =>
            {
                if (!PageRequest.TryParse(limit, cursor, out var page, out var errors))
                {
                    return TypedResults.ValidationProblem(errors);
                }

                return TypedResults.Ok(await store.ListAsync(ApiCaller.From(http), page, http.RequestAborted));
            })
            .RequirePermission(Permissions.ExportRead)
            .WithName("ListExports").WithSummary("List exports, newest first");

        exports.MapGet("/{id:guid}", async Task<Results<Ok<ExportDto>, ProblemHttpResult>> (Guid id, HttpContext http, ExportStore store) =>
                await store.GetAsync(ApiCaller.From(http), id, http.RequestAborted) is { } export
                    ? TypedResults.Ok(export)
                    : ApiResults.NotFound("export"))
            .RequirePermission(Permissions.ExportRead)
            .WithName("GetExport").WithSummary("Get an export's status, counts and size");

        exports.MapGet("/{id:guid}/download", async Task<Results<PhysicalFileHttpResult, FileStreamHttpResult, ProblemHttpResult>> (Guid id, HttpContext http, ExportStore store) =>
                ExportDownloadEndpoint.Serve(await store.FindDownloadAsync(ApiCaller.From(http), id, http.RequestAborted)))
            .RequirePermission(Permissions.ExportRead)
            .WithMetadata(
                new ProblemResponse(StatusCodes.Status409Conflict, "Conflict: the export has no file yet (queued or running) or failed; poll GET /exports/{id} until it has succeeded."),
                new ProblemResponse(StatusCodes.Status410Gone, "Gone: the export's file has expired and been deleted; start a new export."))
            .AddOpenApiOperationTransformer(ExportDownloadDocs.DescribeAsync)
            .WithName("DownloadExport").WithSummary("Download a succeeded export's file");

        exports.MapPost("/", async Task<Results<Accepted<ExportDto>, ValidationProblem, ProblemHttpResult>> (CreateExportRequest? body, HttpContext http, ExportStore store) =>
            {
                var errors = new ValidationErrors();
                var format = ReadFormat(errors, body?.Format);
                var include = ReadInclude(errors, body?.Include);
                if (!errors.IsValid)
                {
                    return TypedResults.ValidationProblem(errors.ToDictionary());
                }

                var creation = await store.CreateAsync(ApiCaller.From(http), format, include, http.RequestAborted);
                if (creation.Job is not { } job)
                {
                    // As every 429 of the API, with Retry-After: a moment in which a queued export usually finishes.
                    http.Response.Headers.RetryAfter = PendingRetryAfterSeconds;
                    return TypedResults.Problem(
                        statusCode: StatusCodes.Status429TooManyRequests,
                        title: "Too many exports",
                        detail: $"You already have {creation.PendingLimit} exports queued or running; start another when one has finished.");
                }

                return TypedResults.Accepted($"{ApiExtensions.BasePath}/exports/{job.Id}", job);
            })
            .RequirePermission(Permissions.ExportWrite)
            .WithMetadata(new ProblemResponse(StatusCodes.Status429TooManyRequests, "the account already has Exports:MaxPendingPerOwner (5 by default) exports queued or running."))
            .WithName("CreateExport")
            .WithSummary("Start an export of memories and/or knowledge as json or ndjson")
            .WithDescription("Answers 202 with the queued job; poll GET /exports/{id} until its status is succeeded, then download it. " +
                "An empty body exports memories and knowledge as one JSON document.");

        return api;
    }

    private static ExportFormat ReadFormat(ValidationErrors errors, JsonElement? value)
    {
        if (value is not { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } format)
        {
            return ExportFormat.Json;
        }

        switch (format.ValueKind == JsonValueKind.String ? format.GetString() : null)
        {
            case ExportValues.Json:
                return ExportFormat.Json;
            case ExportValues.Ndjson:
                return ExportFormat.Ndjson;
            default:
                errors.Add("format", $"format must be \"{ExportValues.Json}\" or \"{ExportValues.Ndjson}\".");
                return ExportFormat.Json;
        }
    }

    private static ExportContents ReadInclude(ValidationErrors errors, JsonElement? value)
    {
        const string Allowed = $"\"{ExportValues.Memories}\" and/or \"{ExportValues.Knowledge}\"";
        if (value is not { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } include)
        {
            return ExportContents.Memories | ExportContents.Knowledge;
        }

        if (include.ValueKind != JsonValueKind.Array)
        {
            errors.Add("include", $"include must be an array of {Allowed}.");
            return ExportContents.None;
        }

        var contents = ExportContents.None;
        foreach (var item in include.EnumerateArray())
        {
            switch (item.ValueKind == JsonValueKind.String ? item.GetString() : null)
            {
                case ExportValues.Memories:
                    contents |= ExportContents.Memories;
                    break;
                case ExportValues.Knowledge:
                    contents |= ExportContents.Knowledge;
                    break;
                default:
                    errors.Add("include", $"include may hold only {Allowed}.");
                    return ExportContents.None;
            }
        }

        if (contents == ExportContents.None)
        {
            errors.Add("include", $"include must name at least one of {Allowed}.");
        }

        return contents;
    }
}
