namespace Memsolus.Dashboard.Knowledge;

internal sealed record UpdateKnowledgeRequest(string? Title, string? Content, string? Source);
