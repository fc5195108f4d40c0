using System.Globalization;
using System.Text.Json;
using DeRisk.Contracts;
using DeRisk.Rules;
using DeRisk.Subscribers;

namespace DeRisk.Backtest;

/// <summary>
/// A rules file for the backtest: the subscriber's delivery preferences and their rules in the JSON shape the API takes,
/// each with an optional "id" for the reports (else its "name", else "ruleN"):
/// <code>{"timeZone":"Europe/London","quietHours":{"start":"23:00","end":"07:00"},"dailyCap":5,
///  "rules":[{"id":"btc-crash","kind":"priceChange","asset":"BTC","direction":"drop","percent":10,"window":"24h"}]}</code>
/// </summary>
public sealed record BacktestRules(DeliveryPreferences Preferences, IReadOnlyList<StoredRule> Rules)
{
    public static (BacktestRules? Rules, IReadOnlyDictionary<string, string[]> Errors) Parse(string json, Func<string, bool> isTrackedAsset)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            errors["$"] = ["Not valid JSON: " + ex.Message];
            return (null, errors);
        }

        using (document)
        {
            var root = document.RootElement;
            var array = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("rules", out var found) ? found : default;
            var hasRules = array.ValueKind == JsonValueKind.Array && array.GetArrayLength() > 0;
            if (!hasRules)
            {
                errors["rules"] = ["Required: a non-empty array of rules."];
                if (root.ValueKind != JsonValueKind.Object)
                {
                    return (null, errors);
                }
            }

            foreach (var property in root.EnumerateObject().Where(p => p.Name is not ("timeZone" or "quietHours" or "dailyCap" or "rules")))
            {
                errors[property.Name.Length <= 40 ? property.Name : property.Name[..40]] = ["Unknown field."];
            }

            // The preferences are checked even without rules, so that one pass reports every error in the file.
            var preferences = ReadPreferences(root, errors);
            if (!hasRules)
            {
                return (null, errors);
            }

            var parser = new RuleParser(isTrackedAsset);
            var rules = new List<StoredRule>();
            var ids = new HashSet<string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var element in array.EnumerateArray())
            {
                var path = $"rules[{index.ToString(CultureInfo.InvariantCulture)}]";
                index++;
                if (element.ValueKind != JsonValueKind.Object)
                {
                    errors[path] = ["A rule must be a JSON object."];
                    continue;
                }

                // The rule as the API takes it, plus an optional "id" naming it in reports: its "name", else its position.
                string id;
                if (element.TryGetProperty("id", out var idElement))
                {
                    if (idElement.ValueKind != JsonValueKind.String || idElement.GetString() is not { Length: > 0 and <= 40 } given)
                    {
                        errors[path + ".id"] = ["A name of 1 to 40 characters, when given."];
                        continue;
                    }

                    id = given;
                }
                else
                {
                    id = element.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 and <= 40 } named
                        ? named
                        : "rule" + index.ToString(CultureInfo.InvariantCulture);
                }

                if (!ids.Add(id))
                {
                    errors[path + ".id"] = [$"'{id}' is used twice."];
                    continue;
                }

                // The rule itself is everything but the id, checked by the API's own parser.
                using var ruleOnly = JsonDocument.Parse(JsonSerializer.Serialize(element.EnumerateObject()
                    .Where(p => p.Name != "id").ToDictionary(p => p.Name, p => p.Value)));
                var parsed = parser.Parse(ruleOnly.RootElement);
                foreach (var (field, messages) in parsed.Errors)
                {
                    errors[field == "$" ? path : $"{path}.{field}"] = messages;
                }

                if (parsed.Rule is not null)
                {
                    rules.Add(new StoredRule(id, parsed.Rule, default));
                }
            }

            return errors.Count > 0 ? (null, errors) : (new BacktestRules(preferences, rules), errors);
        }
    }

    /// <summary>The file's timeZone, quietHours and dailyCap, read as the API reads them.</summary>
    private static DeliveryPreferences ReadPreferences(JsonElement root, Dictionary<string, string[]> errors)
    {
        var fields = new System.Text.Json.Nodes.JsonObject();
        foreach (var property in root.EnumerateObject().Where(p => p.Name is "timeZone" or "quietHours" or "dailyCap"))
        {
            fields[property.Name] = System.Text.Json.Nodes.JsonNode.Parse(property.Value.GetRawText());
        }

        var read = ContractReader.Read<PreferencesRequest>(JsonSerializer.SerializeToElement(fields));
        var found = new FieldErrors();
        var preferences = read.IsValid ? read.Value!.Validate(found) : DeliveryPreferences.Default;
        foreach (var (field, messages) in read.IsValid ? found.ToDictionary() : read.Errors)
        {
            errors[field] = messages;
        }

        return preferences;
    }
}
