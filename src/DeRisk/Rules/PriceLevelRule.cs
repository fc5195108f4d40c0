using System.Text.Json.Serialization;

namespace DeRisk.Rules;

/// <summary>"ASSET below (or above) Level USD." Resolves when the price is 1 % back on the other side.</summary>
public sealed record PriceLevelRule(string Asset, PriceComparison When, double Level) : RuleSpec
{
    [JsonIgnore]
    public override bool IsRise => When == PriceComparison.Above;

    public const string Kind = "priceLevel";

    [JsonIgnore]
    public override IReadOnlyList<string> Symbols => [Asset];
}
