using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Memsolus.Dashboard.Ingestion;

internal static class IngestionApi
{
    public static RouteGroupBuilder MapIngestion(this RouteGroupBuilder api)
    {
        var configured = ((IEndpointRouteBuilder)api).ServiceProvider.GetRequiredService<IOptions<IngestOptions>>().Value;
        var ingest = api.MapGroup("/ingest").WithTags("Ingestion");

        ingest.MapGet("/jobs", async Task<Results<Ok<Page<IngestJobDto>>, ValidationProblem>> (string? limit, string? cursor, HttpContext http, IngestJobStore store) =>
            {
                if (!PageRequest.TryParse(limit, cursor, out var page, out var errors))
                {
                    return TypedResults.ValidationProblem(errors);
                }

                return TypedResults.Ok(await store.ListAsync(ApiCaller.From(http), page, http.RequestAborted));
            })
            .RequirePermission(Permissions.IngestRead)
            .WithName("ListIngestJobs").WithSummary("List ingestion jobs, newest first");

        ingest.MapGet("/jobs/{id:guid}", async Task<Results<Ok<IngestJobDto>, ProblemHttpResult>> (Guid id, HttpContext http, IngestJobStore store) =>
                await store.GetAsync(ApiCaller.From(http), id, http.RequestAborted) is { } job
                    ? TypedResults.Ok(job)
                    : ApiResults.NotFound("ingestion job"))
            .RequirePermission(Permissions.IngestRead)
            .WithName("GetIngestJob").WithSummary("Get an ingestion job: status, counts and per-item errors");

        // The form is read here rather than bound as an IFormFileCollection parameter: binding adds
        // accepts-metadata, and routing would then answer 415 before authentication ran, so a caller
        // without a key or without ingest.write would learn the content type instead of 401/403.
        ingest.MapPost("/files", async Task<Results<Accepted<IngestJobDto>, ValidationProblem, ProblemHttpResult>> (HttpContext http, IngestJobStore store, IOptions<IngestOptions> options) =>
            {
                if (!http.Request.HasFormContentType)
                {
                    return TypedResults.Problem(
                        statusCode: StatusCodes.Status415UnsupportedMediaType,
                        detail: "Send the files as multipart/form-data.");
                }

                IFormFileCollection files;
                try
                {
                    files = (await http.Request.ReadFormAsync(http.RequestAborted)).Files;
                }
                catch (Exception e) when (e is InvalidDataException or IOException && e is not BadHttpRequestException && !http.RequestAborted.IsCancellationRequested)
                {
                    return FieldError("files", $"The multipart body could not be read: {e.Message}");
                }

                var names = files.Select((f, i) => IngestFormats.SafeName(f.FileName, i + 1)).ToList();
                if (UploadCheck.Refusals(options.Value, names.Select((name, i) => (name, files[i].Length)).ToList()).FirstOrDefault() is { } refusal)
                {
                    return refusal.TooLarge ? TooLarge(refusal.Message) : FieldError("files", refusal.Message);
                }

                // Files of a type the worker refuses are recorded by name only; their bytes are not kept.
                var uploaded = new List<UploadedFile>(files.Count);
                for (var i = 0; i < files.Count; i++)
                {
                    uploaded.Add(new UploadedFile(names[i], IngestFormats.IsSupported(names[i]) ? await ReadAllAsync(files[i], http.RequestAborted) : null));
                }

                var job = await store.CreateFilesJobAsync(ApiCaller.From(http), uploaded, http.RequestAborted);
                return TypedResults.Accepted($"{ApiExtensions.BasePath}/ingest/jobs/{job.Id}", job);
            })
            .RequirePermission(Permissions.IngestWrite)
            .WithMetadata(new RequestSizeLimit(configured.MaxUploadRequestBytes))
            .WithMetadata(new ProblemResponse(StatusCodes.Status413PayloadTooLarge,
                $"a file over {Sizes.Describe(configured.MaxFileBytes)}, or files over {Sizes.Describe(configured.MaxTotalBytes)} together."))
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.RequestBody = MultipartFilesBody();
                return Task.CompletedTask;
            })
            .WithName("IngestFiles")
            .WithSummary("Upload files to import: .txt and .md become knowledge entries, each line of .jsonl a memory")
            .WithDescription(
                $"multipart/form-data with up to {configured.MaxFiles} files of at most {Sizes.Describe(configured.MaxFileBytes)} each " +
                $"and {Sizes.Describe(configured.MaxTotalBytes)} together. A .txt or .md file is titled by its first heading, else its name; " +
                "a .jsonl line is {\"content\": \"…\", \"tags\": [\"…\"]}. Answers 202 with the queued job; poll GET /ingest/jobs/{id}.");

        ingest.MapPost("/urls", async Task<Results<Accepted<IngestJobDto>, ValidationProblem>> (IngestUrlRequest body, HttpContext http, IngestJobStore store) =>
            {
                var errors = new ValidationErrors();
                var url = IngestUrls.Check(errors, "url", body.Url);
                if (!errors.IsValid)
                {
                    return TypedResults.ValidationProblem(errors.ToDictionary());
                }

                var job = await store.CreateUrlJobAsync(ApiCaller.From(http), url!, http.RequestAborted);
                return TypedResults.Accepted($"{ApiExtensions.BasePath}/ingest/jobs/{job.Id}", job);
            })
            .RequirePermission(Permissions.IngestWrite)
            .WithName("IngestUrl")
            .WithSummary("Fetch a web page or text file and import it as a knowledge entry")
            .WithDescription(
                "Body {\"url\": \"https://…\"}: http or https only. The page is fetched in the background (timeout, " +
                $"at most {Sizes.Describe(configured.MaxUrlBytes)}, limited redirects; private and internal addresses are refused); " +
                "HTML is reduced to its text and titled by its <title>. Answers 202 with the queued job.");

        return api;
    }

    private static ValidationProblem FieldError(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    private static ProblemHttpResult TooLarge(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Upload too large", detail: detail);

    private static OpenApiRequestBody MultipartFilesBody() => new()
    {
        Required = true,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["multipart/form-data"] = new()
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = new HashSet<string> { "files" },
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["files"] = new OpenApiSchema
                        {
                            Type = JsonSchemaType.Array,
                            Items = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
                        },
                    },
                },
            },
        },
    };

    private static async Task<byte[]> ReadAllAsync(IFormFile file, CancellationToken cancellationToken)
    {
        await using var stream = file.OpenReadStream();
        var bytes = new byte[file.Length];
        await stream.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }
}
