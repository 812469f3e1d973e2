using System.Text.Json;
using System.Text.Json.Serialization;

namespace Memsolus.Dashboard.Memories;

// Unreadable names the fields of a row stored before the input rules that could not be served as
// stored and are shown repaired (docs/api.md); absent otherwise. Public because the memory dialog
// takes one as a parameter.
public sealed record MemoryDto(
    Guid Id,
    string Content,
    IReadOnlyList<string> Tags,
    JsonElement Metadata,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Unreadable = null);
