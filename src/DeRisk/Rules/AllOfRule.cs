using System.Text.Json.Serialization;

namespace DeRisk.Rules;

/// <summary>Met when every child rule is met.</summary>
public sealed record AllOfRule(IReadOnlyList<RuleSpec> Rules) : RuleSpec
{
    public const string Kind = "allOf";

    [JsonIgnore]
    public override IReadOnlyList<string> Symbols => Rules.SelectMany(r => r.Symbols).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    [JsonIgnore]
    public override bool IsCritical => Rules.Any(r => r.IsCritical);

    /// <summary>Every child is met when the combination is: critical through any critical child.</summary>
    public override bool IsCriticalOn(Market.MarketView market) => Rules.Any(r => r.IsCriticalOn(market));

    [JsonIgnore]
    public override bool IsRise => Rules.All(r => r.IsRise);
}
