using System.Net;
using Memsolus.Dashboard.ApiKeys;

namespace Memsolus.Dashboard.Tests.Api;

// The memory, knowledge and dashboard operations of docs/api.md. OpenApiDocumentTests checks this
// table against the operations the app actually serves.
internal static class ApiEndpointCatalogue
{
    public static IReadOnlyList<ApiEndpoint> All { get; } =
    [
        new("ListMemories", HttpMethod.Get, "/api/v1/memories", Permissions.MemoryRead, HttpStatusCode.OK),
        new("SearchMemories", HttpMethod.Get, "/api/v1/memories/search?q=seed", Permissions.MemoryRead, HttpStatusCode.OK),
        new("GetMemory", HttpMethod.Get, "/api/v1/memories/{id}", Permissions.MemoryRead, HttpStatusCode.OK),
        new("CreateMemory", HttpMethod.Post, "/api/v1/memories", Permissions.MemoryWrite, HttpStatusCode.Created, """{"content":"made by the matrix"}"""),
        new("UpdateMemory", HttpMethod.Patch, "/api/v1/memories/{id}", Permissions.MemoryWrite, HttpStatusCode.OK, """{"content":"changed by the matrix"}"""),
        new("DeleteMemory", HttpMethod.Delete, "/api/v1/memories/{id}", Permissions.MemoryDelete, HttpStatusCode.NoContent),
        new("ListKnowledge", HttpMethod.Get, "/api/v1/knowledge", Permissions.KnowledgeRead, HttpStatusCode.OK),
        new("GetKnowledge", HttpMethod.Get, "/api/v1/knowledge/{id}", Permissions.KnowledgeRead, HttpStatusCode.OK),
        new("CreateKnowledge", HttpMethod.Post, "/api/v1/knowledge", Permissions.KnowledgeWrite, HttpStatusCode.Created, """{"title":"matrix","content":"made by the matrix"}"""),
        new("UpdateKnowledge", HttpMethod.Patch, "/api/v1/knowledge/{id}", Permissions.KnowledgeWrite, HttpStatusCode.OK, """{"title":"changed by the matrix"}"""),
        new("DeleteKnowledge", HttpMethod.Delete, "/api/v1/knowledge/{id}", Permissions.KnowledgeDelete, HttpStatusCode.NoContent),
        new("GetUsage", HttpMethod.Get, "/api/v1/dashboard/usage", Permissions.DashboardRead, HttpStatusCode.OK),
        new("GetAlerts", HttpMethod.Get, "/api/v1/dashboard/alerts", Permissions.DashboardRead, HttpStatusCode.OK),
    ];

    public static ApiEndpoint Named(string operationId) => All.Single(e => e.OperationId == operationId);

    public static TheoryData<string> OperationIds => new(All.Select(e => e.OperationId));
}
