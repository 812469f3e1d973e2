namespace Memsolus.Dashboard.Knowledge;

internal sealed record KnowledgeDto(Guid Id, string Title, string Content, string? Source, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
