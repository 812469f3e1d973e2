using System.Text.Json.Serialization;

namespace Memsolus.Dashboard.Knowledge;

// Public because the knowledge dialogs take one as a parameter. Unreadable: see MemoryDto.
public sealed record KnowledgeDto(
    Guid Id,
    string Title,
    string Content,
    string? Source,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Unreadable = null);
