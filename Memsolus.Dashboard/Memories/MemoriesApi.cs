using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Memsolus.Dashboard.Memories;

internal static class MemoriesApi
{
    public static RouteGroupBuilder MapMemories(this RouteGroupBuilder api)
    {
        var memories = api.MapGroup("/memories").WithTags("Memories");

        memories.MapGet("/", async Task<Results<Ok<Page<MemoryDto>>, ValidationProblem>> (string? limit, string? cursor, HttpContext http, MemoryStore store) =>
            {
                if (!PageRequest.TryParse(limit, cursor, out var page, out var errors))
                {
                    return TypedResults.ValidationProblem(errors);
                }

                return TypedResults.Ok(await store.ListAsync(ApiCaller.From(http), page, null, http.RequestAborted));
            })
            .RequirePermission(Permissions.MemoryRead)
            .WithName("ListMemories").WithSummary("List memories, newest first");

        memories.MapGet("/search", async Task<Results<Ok<Page<MemoryDto>>, ValidationProblem>> (string? q, string? limit, string? cursor, HttpContext http, MemoryStore store) =>
            {
                PageRequest.TryParse(limit, cursor, out var page, out var errors);
                var query = SearchQuery.Check(q, "q", out var queryError);
                if (queryError is not null)
                {
                    errors["q"] = [queryError];
                }

                if (errors.Count > 0)
                {
                    return TypedResults.ValidationProblem(errors);
                }

                return TypedResults.Ok(await store.ListAsync(ApiCaller.From(http), page, query, http.RequestAborted));
            })
            .RequirePermission(Permissions.MemoryRead)
            .WithName("SearchMemories").WithSummary("Search memories by content and tags (case-insensitive)");

        memories.MapGet("/{id:guid}", async Task<Results<Ok<MemoryDto>, ProblemHttpResult>> (Guid id, HttpContext http, MemoryStore store) =>
                await store.GetAsync(ApiCaller.From(http), id, http.RequestAborted) is { } memory
                    ? TypedResults.Ok(memory)
                    : ApiResults.NotFound("memory"))
            .RequirePermission(Permissions.MemoryRead)
            .WithName("GetMemory").WithSummary("Get a memory");

        memories.MapPost("/", async Task<Results<Created<MemoryDto>, ValidationProblem>> (CreateMemoryRequest body, HttpContext http, MemoryStore store) =>
            {
                var errors = new ValidationErrors();
                var content = errors.Text("content", body.Content, 1, Memory.MaxContentLength, required: true, multiline: true);
                var tags = errors.Tags("tags", body.Tags, Memory.MaxTags, Memory.MaxTagLength);
                var metadata = errors.JsonObject("metadata", body.Metadata, Memory.MaxMetadataBytes, Memory.MaxMetadataDepth);
                if (!errors.IsValid)
                {
                    return TypedResults.ValidationProblem(errors.ToDictionary());
                }

                var memory = await store.CreateAsync(ApiCaller.From(http), content!, tags ?? [], metadata, http.RequestAborted);
                return TypedResults.Created($"/api/v1/memories/{memory.Id}", memory);
            })
            .RequirePermission(Permissions.MemoryWrite)
            .WithName("CreateMemory").WithSummary("Create a memory");

        memories.MapPatch("/{id:guid}", async Task<Results<Ok<MemoryDto>, ValidationProblem, ProblemHttpResult>> (Guid id, UpdateMemoryRequest body, HttpContext http, MemoryStore store) =>
            {
                var errors = new ValidationErrors();
                var content = errors.Text("content", body.Content, 1, Memory.MaxContentLength, required: false, multiline: true);
                var tags = errors.Tags("tags", body.Tags, Memory.MaxTags, Memory.MaxTagLength);
                var metadata = errors.JsonObject("metadata", body.Metadata, Memory.MaxMetadataBytes, Memory.MaxMetadataDepth);
                if (!errors.IsValid)
                {
                    return TypedResults.ValidationProblem(errors.ToDictionary());
                }

                return await store.UpdateAsync(ApiCaller.From(http), id, content, tags, metadata, http.RequestAborted) is { } memory
                    ? TypedResults.Ok(memory)
                    : ApiResults.NotFound("memory");
            })
            .RequirePermission(Permissions.MemoryWrite)
            .WithName("UpdateMemory").WithSummary("Update a memory's content, tags or metadata");

        memories.MapDelete("/{id:guid}", async Task<Results<NoContent, ProblemHttpResult>> (Guid id, HttpContext http, MemoryStore store) =>
                await store.DeleteAsync(ApiCaller.From(http), id, http.RequestAborted)
                    ? TypedResults.NoContent()
                    : ApiResults.NotFound("memory"))
            .RequirePermission(Permissions.MemoryDelete)
            .WithName("DeleteMemory").WithSummary("Delete a memory");

        return api;
    }
}
