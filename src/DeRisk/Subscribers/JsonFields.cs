using System.Text.Json;

namespace DeRisk.Subscribers;

/// <summary>Field-by-field reading of API bodies: every problem lands in the errors under its field's name.</summary>
public static class JsonFields
{
    /// <summary>False (with an error under "$") unless the body is a JSON object.</summary>
    public static bool RequireObject(JsonElement body, Dictionary<string, string[]> errors)
    {
        if (body.ValueKind == JsonValueKind.Object)
        {
            return true;
        }

        errors["$"] = ["The body must be a JSON object."];
        return false;
    }

    /// <summary>Reports every property not in <paramref name="known"/>.</summary>
    public static void RejectUnknown(JsonElement body, IReadOnlyCollection<string> known, Dictionary<string, string[]> errors)
    {
        foreach (var property in body.EnumerateObject().Where(p => !known.Contains(p.Name)))
        {
            errors[property.Name.Length <= 40 ? property.Name : property.Name[..40]] = ["Unknown field."];
        }
    }

    /// <summary>The string value of an optional field; null when absent or null; an error when not a string.</summary>
    public static string? OptionalString(JsonElement body, string name, Dictionary<string, string[]> errors)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        errors[name] = ["Must be a string."];
        return null;
    }
}
