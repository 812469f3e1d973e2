using System.Text.Json;

namespace Memsolus.Dashboard.Memories;

internal sealed record UpdateMemoryRequest(string? Content, List<string?>? Tags, JsonElement? Metadata);
