using System.Text.Json;

namespace Memsolus.Dashboard.Memories;

internal sealed record CreateMemoryRequest(string? Content, List<string?>? Tags, JsonElement? Metadata);
