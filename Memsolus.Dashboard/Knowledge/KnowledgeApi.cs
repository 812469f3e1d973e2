using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.ApiKeys;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Memsolus.Dashboard.Knowledge;

internal static class KnowledgeApi
{
    public static RouteGroupBuilder MapKnowledge(this RouteGroupBuilder api)
    {
        var knowledge = api.MapGroup("/knowledge").WithTags("Knowledge");

        knowledge.MapGet("/", async Task<Results<Ok<Page<KnowledgeDto>>, ValidationProblem>> (string? limit, string? cursor, HttpContext http, KnowledgeStore store) =>
            {
                if (!PageRequest.TryParse(limit, cursor, out var page, out var errors))
                {
                    return TypedResults.ValidationProblem(errors);
                }

                return TypedResults.Ok(await store.ListAsync(ApiCaller.From(http), page, null, http.RequestAborted));
            })
            .RequirePermission(Permissions.KnowledgeRead)
            .WithName("ListKnowledge").WithSummary("List knowledge entries, newest first");

        knowledge.MapGet("/{id:guid}", async Task<Results<Ok<KnowledgeDto>, ProblemHttpResult>> (Guid id, HttpContext http, KnowledgeStore store) =>
                await store.GetAsync(ApiCaller.From(http), id, http.RequestAborted) is { } entry
                    ? TypedResults.Ok(entry)
                    : ApiResults.NotFound("knowledge entry"))
            .RequirePermission(Permissions.KnowledgeRead)
            .WithName("GetKnowledge").WithSummary("Get a knowledge entry");

        knowledge.MapPost("/", async Task<Results<Created<KnowledgeDto>, ValidationProblem>> (CreateKnowledgeRequest body, HttpContext http, KnowledgeStore store) =>
            {
                var errors = new ValidationErrors();
                var title = errors.Text("title", body.Title, 1, KnowledgeEntry.MaxTitleLength, required: true);
                var content = errors.Text("content", body.Content, 1, KnowledgeEntry.MaxContentLength, required: true, multiline: true);
                var source = errors.Text("source", body.Source, 0, KnowledgeEntry.MaxSourceLength, required: false);
                if (!errors.IsValid)
                {
                    return TypedResults.ValidationProblem(errors.ToDictionary());
                }

                var entry = await store.CreateAsync(ApiCaller.From(http), title!, content!, source, http.RequestAborted);
                return TypedResults.Created($"/api/v1/knowledge/{entry.Id}", entry);
            })
            .RequirePermission(Permissions.KnowledgeWrite)
            .WithName("CreateKnowledge").WithSummary("Create a knowledge entry");

        knowledge.MapPatch("/{id:guid}", async Task<Results<Ok<KnowledgeDto>, ValidationProblem, ProblemHttpResult>> (Guid id, UpdateKnowledgeRequest body, HttpContext http, KnowledgeStore store) =>
            {
                var errors = new ValidationErrors();
                var title = errors.Text("title", body.Title, 1, KnowledgeEntry.MaxTitleLength, required: false);
                var content = errors.Text("content", body.Content, 1, KnowledgeEntry.MaxContentLength, required: false, multiline: true);
                var source = errors.Text("source", body.Source, 0, KnowledgeEntry.MaxSourceLength, required: false);
                if (!errors.IsValid)
                {
                    return TypedResults.ValidationProblem(errors.ToDictionary());
                }

                return await store.UpdateAsync(ApiCaller.From(http), id, title, content, source, http.RequestAborted) is { } entry
                    ? TypedResults.Ok(entry)
                    : ApiResults.NotFound("knowledge entry");
            })
            .RequirePermission(Permissions.KnowledgeWrite)
            .WithName("UpdateKnowledge").WithSummary("Update a knowledge entry");

        knowledge.MapDelete("/{id:guid}", async Task<Results<NoContent, ProblemHttpResult>> (Guid id, HttpContext http, KnowledgeStore store) =>
                await store.DeleteAsync(ApiCaller.From(http), id, http.RequestAborted)
                    ? TypedResults.NoContent()
                    : ApiResults.NotFound("knowledge entry"))
            .RequirePermission(Permissions.KnowledgeDelete)
            .WithName("DeleteKnowledge").WithSummary("Delete a knowledge entry");

        return api;
    }
}
