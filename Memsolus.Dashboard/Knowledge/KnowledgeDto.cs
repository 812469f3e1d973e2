using System.Text.Json.Serialization;

namespace Memsolus.Dashboard.Knowledge;

// Unreadable: see MemoryDto.
internal sealed record KnowledgeDto(
    Guid Id,
    string Title,
    string Content,
    string? Source,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Unreadable = null);
