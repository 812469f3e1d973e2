using System.Text.Json;

namespace Memsolus.Dashboard.Exports;

// Both fields are optional: an empty body exports memories and knowledge as one JSON document.
// They are read as raw JSON so a value of the wrong type is a per-field error, not an unreadable body.
internal sealed record CreateExportRequest(JsonElement? Format = null, JsonElement? Include = null);
