using System.Text.Json.Serialization;

namespace DeRisk.Rules;

/// <summary>
/// "My holdings (asset -> quantity) lost Percent % or more from their Days-day high-water mark." The message says how
/// much to move into stablecoins, in USD and per asset, to bring the volatile share back to MaxRiskPercent.
/// </summary>
public sealed record PortfolioDrawdownRule(IReadOnlyDictionary<string, double> Holdings, double Percent, int Days, double MaxRiskPercent) : RuleSpec
{
    [JsonIgnore]
    public override bool CanEscalate => true;

    public const string Kind = "portfolioDrawdown";
    public const int MaxHoldings = 10;

    [JsonIgnore]
    public override IReadOnlyList<string> Symbols => Holdings.Keys.ToList();
}
