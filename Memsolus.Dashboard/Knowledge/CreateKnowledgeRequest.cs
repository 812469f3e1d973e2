namespace Memsolus.Dashboard.Knowledge;

public sealed record CreateKnowledgeRequest(string? Title, string? Content, string? Source);
