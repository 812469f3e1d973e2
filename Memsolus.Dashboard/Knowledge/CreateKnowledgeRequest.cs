using System.ComponentModel.DataAnnotations;

namespace Memsolus.Dashboard.Knowledge;

// The attributes carry the server's bounds into /openapi/v1.json (Api/OpenApiSchemas.cs); the
// endpoint checks them itself, with the API's messages (ValidationErrors).
internal sealed record CreateKnowledgeRequest(
    [property: Required, StringLength(KnowledgeEntry.MaxTitleLength, MinimumLength = 1)] string? Title,
    [property: Required, StringLength(KnowledgeEntry.MaxContentLength, MinimumLength = 1)] string? Content,
    [property: StringLength(KnowledgeEntry.MaxSourceLength)] string? Source = null);
