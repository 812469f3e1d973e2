using System.Text.Json;
using Memsolus.Dashboard.Data;

namespace Memsolus.Dashboard.Api;

// Per-field errors, answered as a 400 problem+json with an "errors" object (RFC 9457).
internal sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool IsValid => errors.Count == 0;

    public void Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }

        list.Add(message);
    }

    public IDictionary<string, string[]> ToDictionary() => errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    public IResult ToResult() => TypedResults.ValidationProblem(ToDictionary());

    // Text of `min` to `max` characters once trimmed, and storable (StoredText): one line unless
    // `multiline`, which allows line breaks and tabs.
    public string? Text(string field, string? value, int min, int max, bool required, bool multiline = false)
    {
        if (value is null)
        {
            if (required)
            {
                Add(field, $"{field} is required.");
            }

            return null;
        }

        var trimmed = value.Trim();
        if (trimmed.Length < min || trimmed.Length > max)
        {
            Add(field, min > 0 ? $"{field} must be {min} to {max} characters." : $"{field} must be at most {max} characters.");
        }
        else if (!StoredText.IsStorable(trimmed, multiline))
        {
            Add(field, multiline
                ? $"{field} must not contain NUL, control characters other than line breaks and tabs, or unpaired surrogates."
                : $"{field} must be one line without NUL, control characters or unpaired surrogates.");
        }

        return trimmed;
    }

    public List<string>? Tags(string field, IReadOnlyList<string?>? tags, int maxCount, int maxLength)
    {
        if (tags is null)
        {
            return null;
        }

        if (tags.Count > maxCount)
        {
            Add(field, $"{field} may hold at most {maxCount} tags.");
            return null;
        }

        var result = new List<string>(tags.Count);
        foreach (var tag in tags)
        {
            var trimmed = tag?.Trim() ?? "";
            if (trimmed.Length is 0 || trimmed.Length > maxLength)
            {
                Add(field, $"Each tag must be 1 to {maxLength} characters.");
                return null;
            }

            if (!StoredText.IsStorable(trimmed))
            {
                Add(field, "Each tag must be one line without NUL, control characters or unpaired surrogates.");
                return null;
            }

            if (!result.Contains(trimmed, StringComparer.Ordinal))
            {
                result.Add(trimmed);
            }
        }

        return result;
    }

    // A JSON object of at most maxBytes, nesting at most maxDepth levels (the object itself is
    // level 1), whose names and strings are storable (StorableJson); kept as written.
    public string? JsonObject(string field, JsonElement? value, int maxBytes, int maxDepth)
    {
        if (value is not { } element || element.ValueKind is JsonValueKind.Undefined)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            Add(field, $"{field} must be a JSON object.");
            return null;
        }

        if (StorableJson.FindProblem(element, field, maxDepth) is { } problem)
        {
            Add(problem.Field, problem.Message);
            return null;
        }

        var raw = element.GetRawText();
        if (System.Text.Encoding.UTF8.GetByteCount(raw) > maxBytes)
        {
            Add(field, $"{field} must be at most {maxBytes / 1024} KB of JSON.");
            return null;
        }

        return raw;
    }
}
