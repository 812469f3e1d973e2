using System.Text.Json;

namespace Memsolus.Dashboard.Memories;

public sealed record UpdateMemoryRequest(string? Content, List<string?>? Tags, JsonElement? Metadata);
