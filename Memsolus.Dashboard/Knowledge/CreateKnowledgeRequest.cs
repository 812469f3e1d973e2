namespace Memsolus.Dashboard.Knowledge;

internal sealed record CreateKnowledgeRequest(string? Title, string? Content, string? Source);
