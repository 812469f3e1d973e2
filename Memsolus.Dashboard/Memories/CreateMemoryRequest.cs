using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace Memsolus.Dashboard.Memories;

// The attributes carry the server's bounds into /openapi/v1.json (Api/OpenApiSchemas.cs); the
// endpoint checks them itself, with the API's messages (ValidationErrors). Tags and metadata
// default to absent, so the document lists only content as required.
internal sealed record CreateMemoryRequest(
    [property: Required, StringLength(Memory.MaxContentLength, MinimumLength = 1)] string? Content,
    [property: MaxLength(Memory.MaxTags)] List<string?>? Tags = null,
    JsonElement? Metadata = null);
