using System.Text.Json.Serialization;

namespace DeRisk.Rules;

/// <summary>"Fear &amp; Greed at or below (or at or above) Value." Resolves 5 points back on the other side.</summary>
public sealed record SentimentRule(SentimentComparison When, int Value) : RuleSpec
{
    [JsonIgnore]
    public override bool IsRise => When == SentimentComparison.AtOrAbove;

    public const string Kind = "sentiment";

    [JsonIgnore]
    public override IReadOnlyList<string> Symbols => [Market.Assets.FearAndGreed];
}
