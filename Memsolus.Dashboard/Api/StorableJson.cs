using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Memsolus.Dashboard.Data;

namespace Memsolus.Dashboard.Api;

// The JSON the API agrees to store, so that every later read, search and export can serve it:
// every property name and string value is text StoredText accepts (property names on one line,
// values with line breaks and tabs), which rules out NUL, invalid UTF-8 and unpaired surrogates
// written as "\ud800"; and free-form objects nest at most a documented depth, far below what the
// answer's serializer accepts (docs/api.md). Request bodies are checked whole by JsonRequestBody
// before binding; free-form fields (metadata) again with their depth by ValidationErrors.JsonObject.
internal static class StorableJson
{
    public const string BodyField = "body";

    private const string Rule = "no NUL or other control characters (line breaks and tabs are allowed in values), no invalid UTF-8 and no unpaired surrogates";

    // Deep enough for rows stored before these rules (the request reader stopped at 64 levels).
    private static readonly JsonDocumentOptions StoredDocumentOptions = new() { MaxDepth = 256 };

    private static readonly JsonWriterOptions RepairWriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // The first problem in the value, as the field to name (a path such as "metadata.foo" or
    // "tags[2]") and a message; null when it may be stored. `field` names the value itself ("" for
    // a whole body); objects and arrays may nest at most maxDepth levels, the value itself being
    // level 1.
    public static (string Field, string Message)? FindProblem(JsonElement value, string field, int maxDepth = int.MaxValue) =>
        Walk(value, field, field, 1, maxDepth);

    // The string value of a JSON string, or false when it is not readable text.
    public static bool TryGetString(JsonElement value, out string text)
    {
        try
        {
            text = value.GetString() ?? "";
            return true;
        }
        catch (InvalidOperationException)
        {
            // Invalid UTF-8, or an escaped unpaired surrogate.
            text = "";
            return false;
        }
    }

    // JSON text stored before these rules, made servable: unpaired surrogates (escaped or not)
    // become U+FFFD, NULs are dropped, and objects or arrays deeper than maxDepth are kept as a
    // string holding their JSON. Returns the text itself when it was fine, and "{}" for text that
    // is not JSON at all.
    public static string Repair(string json, int maxDepth)
    {
        var text = RepairEscapes(StoredText.Repair(json));
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, StoredDocumentOptions);
        }
        catch (JsonException)
        {
            return "{}";
        }

        using (document)
        {
            if (ReferenceEquals(text, json) && FindProblem(document.RootElement, "", maxDepth) is null)
            {
                return json;
            }

            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer, RepairWriterOptions))
            {
                Rewrite(writer, document.RootElement, 1, maxDepth);
            }

            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
    }

    private static (string Field, string Message)? Walk(JsonElement value, string root, string path, int depth, int maxDepth)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                if (depth > maxDepth)
                {
                    return TooDeep(root, maxDepth);
                }

                foreach (var property in value.EnumerateObject())
                {
                    if (!TryGetName(property, out var name) || !StoredText.IsStorable(name))
                    {
                        return (Label(path), $"{Label(path)} has a property name that is not storable text: {Rule}.");
                    }

                    if (Walk(property.Value, root, path.Length == 0 ? name : $"{path}.{name}", depth + 1, maxDepth) is { } problem)
                    {
                        return problem;
                    }
                }

                return null;
            case JsonValueKind.Array:
                if (depth > maxDepth)
                {
                    return TooDeep(root, maxDepth);
                }

                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (Walk(item, root, string.Create(CultureInfo.InvariantCulture, $"{path}[{index++}]"), depth + 1, maxDepth) is { } problem)
                    {
                        return problem;
                    }
                }

                return null;
            case JsonValueKind.String:
                return TryGetString(value, out var text) && StoredText.IsStorable(text, multiline: true)
                    ? null
                    : (Label(path), $"{Label(path)} must be storable text: {Rule}.");
            default:
                return null;
        }
    }

    private static (string Field, string Message) TooDeep(string root, int maxDepth) =>
        (Label(root), $"{Label(root)} may nest objects and arrays at most {maxDepth} levels deep.");

    private static string Label(string path) => path.Length == 0 ? BodyField : path;

    private static bool TryGetName(JsonProperty property, out string name)
    {
        try
        {
            name = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            name = "";
            return false;
        }
    }

    private static void Rewrite(Utf8JsonWriter writer, JsonElement value, int depth, int maxDepth)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object or JsonValueKind.Array when depth > maxDepth:
                writer.WriteStringValue(StoredText.Repair(value.GetRawText()));
                break;
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    writer.WritePropertyName(StoredText.Repair(property.Name));
                    Rewrite(writer, property.Value, depth + 1, maxDepth);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    Rewrite(writer, item, depth + 1, maxDepth);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(StoredText.Repair(value.GetString()!));
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    // Escapes no reader can turn into text: "\u0000" is dropped, an escaped surrogate without its
    // partner becomes "\uFFFD". A pair of escapes that make one character is kept.
    private static string RepairEscapes(string json)
    {
        StringBuilder? repaired = null;
        var i = 0;
        var copied = 0;
        while (i < json.Length)
        {
            if (json[i] != '\\')
            {
                i++;
                continue;
            }

            if (!TryReadEscape(json, i, out var unit))
            {
                // Any other escape: skip it whole, so "\\u…" is not read as an escape.
                i += 2;
                continue;
            }

            string? replacement = null;
            var length = 6;
            if (unit == 0)
            {
                replacement = "";
            }
            else if (char.IsHighSurrogate(unit))
            {
                if (TryReadEscape(json, i + 6, out var low) && char.IsLowSurrogate(low))
                {
                    length = 12;
                }
                else
                {
                    replacement = "\\uFFFD";
                }
            }
            else if (char.IsLowSurrogate(unit))
            {
                replacement = "\\uFFFD";
            }

            if (replacement is not null)
            {
                repaired ??= new StringBuilder(json.Length);
                repaired.Append(json, copied, i - copied).Append(replacement);
                copied = i + length;
            }

            i += length;
        }

        return repaired is null ? json : repaired.Append(json, copied, json.Length - copied).ToString();
    }

    private static bool TryReadEscape(string json, int at, out char unit)
    {
        unit = '\0';
        if (at + 6 > json.Length || json[at] != '\\' || json[at + 1] != 'u'
            || !ushort.TryParse(json.AsSpan(at + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
        {
            return false;
        }

        unit = (char)code;
        return true;
    }
}
