namespace Memsolus.Dashboard.Knowledge;

public sealed record UpdateKnowledgeRequest(string? Title, string? Content, string? Source);
