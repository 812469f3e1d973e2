using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace Memsolus.Dashboard.Memories;

// Every field is optional: one left out (or null) keeps its value. Bounds as CreateMemoryRequest.
internal sealed record UpdateMemoryRequest(
    [property: StringLength(Memory.MaxContentLength, MinimumLength = 1)] string? Content = null,
    [property: MaxLength(Memory.MaxTags)] List<string?>? Tags = null,
    JsonElement? Metadata = null);
