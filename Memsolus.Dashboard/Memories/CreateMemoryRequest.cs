using System.Text.Json;

namespace Memsolus.Dashboard.Memories;

public sealed record CreateMemoryRequest(string? Content, List<string?>? Tags, JsonElement? Metadata);
