using System.ComponentModel.DataAnnotations;

namespace Memsolus.Dashboard.Knowledge;

// Every field is optional: one left out (or null) keeps its value. Bounds as CreateKnowledgeRequest.
internal sealed record UpdateKnowledgeRequest(
    [property: StringLength(KnowledgeEntry.MaxTitleLength, MinimumLength = 1)] string? Title = null,
    [property: StringLength(KnowledgeEntry.MaxContentLength, MinimumLength = 1)] string? Content = null,
    [property: StringLength(KnowledgeEntry.MaxSourceLength)] string? Source = null);
