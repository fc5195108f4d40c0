using System.Text.Json.Serialization;

namespace DeRisk.Rules;

/// <summary>"Stablecoin ASSET more than Percent % away from 1.00, either side." Resolves within half of it.</summary>
public sealed record DepegRule(string Asset, double Percent) : RuleSpec
{
    [JsonIgnore]
    public override bool CanEscalate => true;

    public const string Kind = "depeg";

    [JsonIgnore]
    public override IReadOnlyList<string> Symbols => [Asset];

    [JsonIgnore]
    public override bool IsCritical => true;
}
