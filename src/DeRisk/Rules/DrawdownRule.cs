using System.Text.Json.Serialization;

namespace DeRisk.Rules;

/// <summary>"ASSET Percent % or more below its Days-day high." Resolves once back within three quarters of it.</summary>
public sealed record DrawdownRule(string Asset, double Percent, int Days) : RuleSpec
{
    [JsonIgnore]
    public override bool CanEscalate => true;

    public const string Kind = "drawdown";
    public const int MaxDays = 365;

    [JsonIgnore]
    public override IReadOnlyList<string> Symbols => [Asset];
}
