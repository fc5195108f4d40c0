using System.Text.Json;
using DeRisk.Contracts;

namespace DeRisk.Rules;

/// <summary>
/// Reads a rule from JSON: <see cref="ContractReader"/> checks it against the <see cref="RuleSpec"/> records and
/// deserializes it, then <see cref="RuleValidator"/> checks ranges and configuration. A client learns every mistake
/// at once, each named by its path ("percent", "rules[1].value"). Unknown fields are errors: a misspelt "percnt" must
/// not silently become a rule without a threshold.
/// </summary>
public sealed class RuleParser(Func<string, bool> isTrackedAsset, IReadOnlyCollection<string>? trackedSymbols = null)
{
    private readonly RuleValidator _validator = new(isTrackedAsset, trackedSymbols);

    public RuleParseResult Parse(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            return new RuleParseResult(null, new Dictionary<string, string[]> { ["$"] = ["A rule must be a JSON object."] });
        }

        var read = ContractReader.Read<RuleSpec>(json);
        if (!read.IsValid)
        {
            return new RuleParseResult(null, read.Errors);
        }

        var errors = new FieldErrors();
        var rule = _validator.Validate(read.Value!, errors);
        return rule is null ? new RuleParseResult(null, errors.ToDictionary()) : RuleParseResult.Valid(rule);
    }
}
