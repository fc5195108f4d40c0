using System.Text.Json.Serialization;

namespace DeRisk.Rules;

/// <summary>Met when any child rule is met.</summary>
public sealed record AnyOfRule(IReadOnlyList<RuleSpec> Rules) : RuleSpec
{
    public const string Kind = "anyOf";

    [JsonIgnore]
    public override IReadOnlyList<string> Symbols => Rules.SelectMany(r => r.Symbols).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    [JsonIgnore]
    public override bool IsCritical => Rules.Any(r => r.IsCritical);

    /// <summary>Critical only through a child that is met on this market and critical itself.</summary>
    public override bool IsCriticalOn(Market.MarketView market) =>
        Rules.Any(r => RuleEvaluator.Evaluate(r, market).Kind == VerdictKind.Met && r.IsCriticalOn(market));

    [JsonIgnore]
    public override bool IsRise => Rules.All(r => r.IsRise);
}
