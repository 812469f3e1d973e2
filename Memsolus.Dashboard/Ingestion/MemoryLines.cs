using System.Text.Json;
using Memsolus.Dashboard.Api;
using Memsolus.Dashboard.Memories;

namespace Memsolus.Dashboard.Ingestion;

// One JSONL line as a memory: {"content": "...", "tags": ["..."], "metadata": {...}}, checked
// against the same limits as POST /memories. Other fields are ignored.
internal static class MemoryLines
{
    public static bool TryParse(string line, out MemoryLine? memory, out string error)
    {
        memory = null;
        error = "";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            error = "The line is not valid JSON.";
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "Each line must be a JSON object with content and optional tags.";
                return false;
            }

            // Text no provider can store, at any depth, is named before any field is read: reading
            // it would throw.
            if (StorableJson.FindProblem(root, "") is { } unstorable)
            {
                error = unstorable.Message;
                return false;
            }

            var errors = new ValidationErrors();
            string? content = null;
            var contentWrongType = false;
            if (root.TryGetProperty("content", out var contentElement) && contentElement.ValueKind != JsonValueKind.Null)
            {
                if (contentElement.ValueKind == JsonValueKind.String)
                {
                    content = contentElement.GetString();
                }
                else
                {
                    contentWrongType = true;
                    errors.Add("content", "content must be a string.");
                }
            }

            List<string?>? tagValues = null;
            if (root.TryGetProperty("tags", out var tagsElement) && tagsElement.ValueKind != JsonValueKind.Null)
            {
                if (tagsElement.ValueKind == JsonValueKind.Array && tagsElement.EnumerateArray().All(t => t.ValueKind == JsonValueKind.String))
                {
                    tagValues = tagsElement.EnumerateArray().Select(t => t.GetString()).ToList();
                }
                else
                {
                    errors.Add("tags", "tags must be an array of strings.");
                }
            }

            JsonElement? metadataElement = root.TryGetProperty("metadata", out var m) && m.ValueKind != JsonValueKind.Null ? m : null;

            // A content of the wrong type has its own message; "required" would only confuse.
            var text = errors.Text("content", content, 1, Memory.MaxContentLength, required: !contentWrongType, multiline: true);
            var tags = errors.Tags("tags", tagValues, Memory.MaxTags, Memory.MaxTagLength);
            var metadata = errors.JsonObject("metadata", metadataElement, Memory.MaxMetadataBytes, Memory.MaxMetadataDepth);
            if (!errors.IsValid)
            {
                error = string.Join(" ", errors.ToDictionary().SelectMany(e => e.Value));
                return false;
            }

            memory = new MemoryLine(text!, tags ?? [], metadata);
            return true;
        }
    }
}
