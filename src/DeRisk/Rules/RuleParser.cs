using System.Globalization;
using System.Text.Json;
using DeRisk.Market;

namespace DeRisk.Rules;

/// <summary>
/// Reads a rule from JSON and checks it field by field, so a client learns every mistake at once, named by field.
/// Unknown fields are errors: a misspelt "percnt" must not silently become a rule without a threshold.
/// </summary>
public sealed class RuleParser(Func<string, bool> isTrackedAsset)
{
    public RuleParseResult Parse(JsonElement json)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (json.ValueKind != JsonValueKind.Object)
        {
            Add(errors, "$", "A rule must be a JSON object.");
            return RuleParseResult.Invalid(errors);
        }

        if (!json.TryGetProperty("kind", out var kindElement) || kindElement.ValueKind != JsonValueKind.String)
        {
            Add(errors, "kind", $"Required: one of {PriceChangeRule.Kind}.");
            return RuleParseResult.Invalid(errors);
        }

        return kindElement.GetString() switch
        {
            PriceChangeRule.Kind => ParsePriceChange(json, errors),
            var other => Unknown(other, errors),
        };
    }

    private static RuleParseResult Unknown(string? kind, Dictionary<string, List<string>> errors)
    {
        Add(errors, "kind", $"Unknown rule kind '{Shorten(kind)}'; expected one of {PriceChangeRule.Kind}.");
        return RuleParseResult.Invalid(errors);
    }

    private RuleParseResult ParsePriceChange(JsonElement json, Dictionary<string, List<string>> errors)
    {
        RejectUnknown(json, errors, "kind", "asset", "direction", "percent", "window");

        var asset = ReadString(json, "asset", errors)?.ToUpperInvariant();
        if (asset is not null && (asset == Assets.FearAndGreed || !isTrackedAsset(asset)))
        {
            Add(errors, "asset", $"'{Shorten(asset)}' is not a tracked asset.");
        }

        ChangeDirection? direction = ReadString(json, "direction", errors) switch
        {
            null => null,
            "drop" => ChangeDirection.Drop,
            "rise" => ChangeDirection.Rise,
            var other => Error<ChangeDirection>(errors, "direction", $"'{Shorten(other)}' is not 'drop' or 'rise'."),
        };

        var percent = ReadNumber(json, "percent", errors);
        if (percent is not null)
        {
            var max = direction == ChangeDirection.Drop ? 100 : 10_000;
            if (percent <= 0 || percent > max)
            {
                Add(errors, "percent", string.Create(CultureInfo.InvariantCulture, $"Must be greater than 0 and at most {max}."));
            }
        }

        var window = ReadString(json, "window", errors);
        if (window is not null && RuleWindows.Parse(window) is null)
        {
            Add(errors, "window", $"'{Shorten(window)}' is not one of {string.Join(", ", RuleWindows.All.Keys)}.");
        }

        return errors.Count > 0
            ? RuleParseResult.Invalid(errors)
            : RuleParseResult.Valid(new PriceChangeRule(asset!, direction!.Value, percent!.Value, window!));
    }

    private static void RejectUnknown(JsonElement json, Dictionary<string, List<string>> errors, params string[] known)
    {
        foreach (var property in json.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                Add(errors, Shorten(property.Name), "Unknown field.");
            }
        }
    }

    private static string? ReadString(JsonElement json, string name, Dictionary<string, List<string>> errors)
    {
        if (!json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            Add(errors, name, "Required.");
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            Add(errors, name, "Must be a non-empty string.");
            return null;
        }

        return value.GetString()!.Trim();
    }

    private static double? ReadNumber(JsonElement json, string name, Dictionary<string, List<string>> errors)
    {
        if (!json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            Add(errors, name, "Required.");
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            Add(errors, name, "Must be a number.");
            return null;
        }

        return number;
    }

    private static T? Error<T>(Dictionary<string, List<string>> errors, string field, string message)
        where T : struct
    {
        Add(errors, field, message);
        return null;
    }

    private static void Add(Dictionary<string, List<string>> errors, string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }

        list.Add(message);
    }

    /// <summary>Echo at most 40 characters of client input in an error.</summary>
    private static string Shorten(string? value) =>
        value is null ? "" : value.Length <= 40 ? value : value[..40] + "…";
}

/// <summary>A parsed rule, or the errors per field.</summary>
public sealed record RuleParseResult(RuleSpec? Rule, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool IsValid => Rule is not null;

    public static RuleParseResult Valid(RuleSpec rule) => new(rule, new Dictionary<string, string[]>());

    public static RuleParseResult Invalid(Dictionary<string, List<string>> errors) =>
        new(null, errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
}
