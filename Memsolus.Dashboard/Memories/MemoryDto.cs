using System.Text.Json;

namespace Memsolus.Dashboard.Memories;

internal sealed record MemoryDto(Guid Id, string Content, IReadOnlyList<string> Tags, JsonElement Metadata, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
